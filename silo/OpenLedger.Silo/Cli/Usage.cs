namespace OpenLedger.Silo.Cli;

/// <summary>The help text.</summary>
public static class Usage
{
    public static int Print()
    {
        Console.WriteLine("""
            openledger — an AI-native ledger node on Orleans

            usage: openledger <verb> [options]

              run                 run a node (the default verb)
                --data-dir DIR      embedded store directory (default ./data)
                --postgres CONN     use PostgreSQL (storage + clustering) instead of SQLite
                --genesis FILE      genesis file (default: the built-in dev genesis)
                --silo-port N       silo-to-silo port (default 11111)
                --gateway-port N    client gateway port (default 30000)
                --http-port N       GraphQL and /healthz on 127.0.0.1 (default 8080)
                --producer-key HEX  the block producer's key (dev chains derive it from the dev seed)
                --empty-blocks      seal a block every interval even when no transaction waits
              gateway             run only the GraphQL gateway, as an Orleans client of running silos
                                  (--http-port, --gateway-port or --postgres to find them)
              keygen              generate a private key and print it with its address
              dev-keys            print the dev accounts of a genesis file (keys derived from its public seed)
              genesis             write a genesis file: --out FILE --chain-id N --dev-seed S --dev-count N
                                  --dev-balance OPEN --block-interval-ms N --max-block-txs N
              transfer            sign and submit a transfer to a running node, and wait until it commits
                --key HEX | --dev N   the sender's key (or dev account N of the genesis)
                --to ADDRESS --amount OPEN   (or --wei AMOUNT)
                [--gas-price WEI] [--nonce N] [--no-wait]
              account ADDRESS     balance, nonce, pending count and recent transactions
              block N|latest      a block's header and transaction hashes
              tx HASH             a transaction's status and receipt
              verify              replay the chain from genesis and check every header, root and signature
                                  (reads the store directly: --data-dir or --postgres, and --genesis)

            Client verbs reach the node at --gateway-port (default 30000) on localhost,
            or through the cluster table with --postgres.
            """);
        return 0;
    }
}
