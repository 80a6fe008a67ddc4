namespace OpenLedger.Cli;

/// <summary>The help text of the client verbs: all of <c>openledger-cli help</c>, and the second half of
/// <c>openledger help</c> (the node executable carries the same verbs).</summary>
public static class ClientUsage
{
    public const string Verbs = """
          keygen --out FILE   write a new private key to FILE (mode 0600, never overwritten) and print its
                              address; the private key is printed only with --show-private-key
          dev-keys            print the dev accounts of a dev genesis and their keys (derived from its public seed)
          genesis             write a real chain's genesis (to --out FILE or stdout); every key is named by address,
                              nothing derives from a seed, published dev keys are refused:
                              --chain-id N --producer ADDRESS --treasury ADDRESS [--name N]
                              [--alloc ADDRESS=OPEN[,...]] (repeatable) [--serving-operators A,B]
                              [--attribution-operators A,B] [--gas-price-floor WEI] [--timestamp-ms MS]
                              [--block-interval-ms N] [--max-block-txs N]
          genesis --dev       write a dev chain's genesis ("dev": true; accounts, producer and operators derived
                              from a public seed): [--chain-id N] [--dev-seed S] [--dev-count N] [--dev-balance OPEN]
                              [--block-interval-ms N] [--max-block-txs N] [--out FILE]
          transfer            sign and submit a transfer to a running node, and wait until it commits
            --key-file FILE | --dev N   the sender's key (see signing keys below)
            --to ADDRESS --amount OPEN   (or --wei AMOUNT)
            [--gas-price WEI] [--nonce N] [--no-wait] [--timeout SECONDS (30)]
          account ADDRESS     balance, nonce, pending count and recent transactions
          block N|latest      a block's header and transaction hashes
          tx HASH             a transaction's status, receipt and its kind's own fields (recipient and amount, a
                              datanet's name, a model's price, an inference's output, a settlement's attributions, ...)

        signing keys (transfer and the marketplace's signing verbs), one of:
          --key-file FILE     a key file only its owner can read (mode 0600; `keygen` writes one)
          OPENLEDGER_KEY      the environment variable, holding the key's 0x-hex
          --key HEX           works, with a warning: other local users can read command lines
          --dev N | --operator serving|attribution   keys derived from a dev genesis' public seed: refused
                              unless the genesis and the node's chain are a dev chain

        marketplace (signing verbs take a signing key, and [--gas-price WEI] [--nonce N] [--no-wait]
        [--timeout SECONDS]; ids are 0x + 64 hex; amounts are OPEN such as 12.5):
          datanet create      --name N [--description D] [--tags a,b] [--license L]
                              [--task text|prompt-completion|text-label] [--fee-per-kb OPEN] [--stake OPEN]
                              [--forfeit owner|treasury] [--curators 0x..,0x..]     prints the datanet id
          datanet update      --id ID [--description D] [--tags a,b] [--curators 0x..]  (others keep their values)
          datanet show        --id ID [--contributions] [--limit N]   the datanet, its counts and versions
          datanet list        [--owner ADDRESS] [--limit N]
          datanet review      --id ID [--limit N] [--width W]   pending contributions' text beside their near-duplicates
          contribute          --datanet ID FILE|DIR...   upload each file (a directory: its files, sorted), one
                              Contribute each in one submission; per file: id, size, fee, outcome; near-duplicates
                              [--jsonl FILE]  one example a line in the datanet's task format, all checked first
          curate              --contribution ID (--approve|--reject) [--reason R]
                              many in one submission: --contribution ID,ID... (repeatable) | --file PATH (an id a
                              line) | --all-pending --datanet ID [--contributor ADDRESS] [--limit N]
                              [--without-near-duplicates|--near-duplicates-only]; all checked first (nothing sent
                              on UnknownContribution, NotPending, DuplicateId, NotCurator, BatchTooLarge)
          flags               --datanet ID [--first N]   contributions its training jobs flagged as likely harmful
          exclude             --contribution ID [--reason R]   keep an approved contribution out of the next versions
          publish-version     --datanet ID               prints the version's number, id, root and count
          model register      --name N --base-model B --adapter HASH --training-record HASH --versions VID[,VID]
                              --price OPEN [--owner-bps 7000 --contributors-bps 2000 --protocol-bps 1000]
                              or --job JOB --name N --price OPEN: base model, adapter, version and record from a
                              succeeded training job
                              a base model this node does not serve is refused (BaseModelNotServed, exit 1) unless
                              --allow-unserved-base (another node serves it; warns)
          model bases         the base models this node serves paid inferences on: register models on one of them
          model update        --id ID [--price OPEN] [--status active|retired]
                              [--adapter HASH --training-record HASH --versions VID[,VID]]  (a new version)
          model show          --id ID
          infer               --model ID (--input-file F | --input-hash H) [--max-fee OPEN]  request an inference;
                              prints its id and how to follow it. A model on a base this node does not serve is
                              refused before paying (BaseModelNotServed) unless --allow-unserved-base.
                              --wait [--timeout SECONDS (300)]: wait for the output (printed) and the settlement
                              (who was paid: owner, protocol, each contribution; exit 0); expired or out of time: exit 1
          inference show      --id ID   status, model and version, escrow, input and output texts (cut, with their
                              sizes), provenance, the settlement's credits, the attribution failure code if any
          post-result         --inference ID --output-hash H                       (serving operators)
          settle              --inference ID --record HASH --attributions CID:WEIGHT,...  (attribution operators)
          rewards             --address ADDRESS          rewards credited, by role, datanet and model
          statement           (--address ADDRESS | --datanet ID | --model ID) [--from H] [--to H] [--first N]
                              [--offset N]   the books: every wei in and out (fees, stakes, forfeits, escrows,
                              credits, gas, transfers), totals by kind, then the lines
          proof               --contribution ID [--version N]   Merkle proof of inclusion, checked locally
          attribution         --inference ID [--top N (5, at most 16)]   who a settled inference paid and why: the split, the
                              top contributions (share, payout, contributor, text), span evidence, record hash
          demo                the Proof of Attribution story on a running dev node: dev 1..3 contribute WordNet
                              examples, dev 0 curates and publishes, Model Factory trains, dev 4 registers the
                              model, dev 5 pays for inferences, OpenLoRA serves them; waits for their settlement
                              and prints who was paid what and why. [--examples N (24 per category)]
                              [--contributors 1..3] [--steps 60] [--inferences 3] [--settle-timeout 300]
                              [--wordnet DIR (/usr/share/wordnet)]

        Model Factory (LoRA fine-tuning jobs on the node's ML silos):
          train               --datanet ID [--version N (default: latest)] [--rank 8] [--alpha 16]
                              [--targets attn.c_attn,attn.c_proj,mlp.c_fc,mlp.c_proj] [--lr 0.003]
                              [--epochs 1 | --steps N] [--batch-size 16] [--seed 1] [--no-wait]
                              recipe (unset: the defaults): [--schedule cosine|linear|constant]
                              [--label-smoothing E (0 to <0.5)] [--early-stopping N (1..10 held-out
                              evaluations without a lower loss; keeps the best)] [--label-scoring sum|mean]
                              starts (or finds: the same training is the same job) a job and shows a progress
                              bar until it ends; prints the adapter and training record hashes
          train status        --id JOB            progress, or the outcome
          train cancel        --id JOB            stop after the current step (starting it again resumes); with a
                              key (--dev N, --key-file ...) the job's owner signs it, else the operator token
          train list          [--limit N (at most 100)]
          train record        --id JOB            the training record JSON (its keccak256 is on chain)

        OpenLoRA administration (operator token; each ML silo has its own adapter cache):
          ml-silos                                the live ML silos: address, cache, memory, adapters
          adapter load|unload|pin|unpin --adapter HASH [--silo ADDRESS]
                              acts on the ML silo at ADDRESS (as ml-silos lists it), or on every live ML silo;
                              one line per silo (unload evicts; an unknown address: SiloNotFound)

        Exit codes: 0 success; 1 refused or failed on the node (the stable error code is printed), or not
        committed within the wait, no node at the URL, or no answer in time; 2 usage error.

        Client verbs (transfer, account, block, tx, the marketplace and train) speak only the node's public API,
        GraphQL over HTTP:
          --node URL          the node's GraphQL endpoint (or OPENLEDGER_NODE; default http://127.0.0.1:8080/graphql)
          --operator-token-file PATH   the node's operator token, for train, train cancel, ml-silos and adapter (default: the data
                              directory's operator.token, when the node is on this machine)
        They need no cluster certificate and no gateway port (--gateway-port and --cluster-cert are for run and
        gateway only).
        --print NAME (any verb): print only the first word of the verb's NAME line (an id, for a script:
        D=$(openledger datanet create ... --print datanet)); on a failure everything goes to stderr
        """;

    /// <summary><c>openledger-cli help</c>.</summary>
    public static void PrintSlim(TextWriter output)
    {
        output.WriteLine("""
            openledger-cli — the client of an OpenLedger node: keys, genesis files, transfers, queries, the marketplace

            usage: openledger-cli <verb> [options]

            """);
        output.WriteLine(Verbs);
        output.WriteLine("""

            The node itself (run, gateway, verify, ml) is the `openledger` executable: dotnet run --project silo/OpenLedger.Silo
            """);
    }
}
