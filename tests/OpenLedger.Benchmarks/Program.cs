using OpenLedger.Benchmarks.Failover;
using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Benchmarks.Marketplace;
using OpenLedger.Benchmarks.ScaleOut;
using OpenLedger.Silo.Configuration;

// Benchmark programs: each prints a table with its reference (the machine's own ceiling) measured in the same run.
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- ledger [--txs 100000] [--accounts 10000] [--block-interval-ms 1000]
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- marketplace [--quick]
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- inference-cost [--versions 1,16,64]
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- failover [--kills 10]
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- scaleout [--quick]
try
{
    var a = new Args(args);
    return a.Verb switch
    {
        "ledger" => await LedgerBenchmark.RunAsync(LedgerBenchmarkOptions.From(a)),
        "marketplace" => await MarketplaceBenchmark.RunAsync(MarketplaceOptions.From(a)),
        "inference-cost" => InferenceCostBenchmark.Run(a),
        "failover" => await FailoverBenchmark.RunAsync(a),
        "scaleout" => await ScaleOutBenchmark.RunAsync(ScaleOutOptions.From(a)),
        "help" or "--help" or "-h" => PrintUsage(),
        _ => throw new UsageException($"unknown benchmark '{a.Verb}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    PrintUsage();
    return 2;
}

static int PrintUsage()
{
    Console.WriteLine("""
        OpenLedger benchmarks

        usage: dotnet run -c Release --project tests/OpenLedger.Benchmarks -- <benchmark> [options]

          ledger                   signed transfers through a whole in-process node: intake -> signature
                                   verifiers -> mempool -> producer -> SQLite commit, against the machine's
                                   secp256k1 recovery ceiling measured in the same run
            --txs N                  transfers to submit (default 100000)
            --accounts N             funded dev accounts, each sending a run of consecutive nonces (default 10000)
            --block-interval-ms N    block interval (default 1000)
            --max-block-txs N        block size limit in the genesis (default 20000)
            --quick                  20000 transfers among 2000 accounts (for iteration)
            --warmup N               transfers among separate accounts pushed through the node first, so the
                                     measured run sees warm (tiered-up) code (default 6000; quick 3000; 0 = none)
            --batch N                transactions per SubmitAsync call (default 500)
            --concurrency N          SubmitAsync calls in flight (default 2)
            --window N               cap on submitted-but-uncommitted transactions (default 90% of the mempool)
            --mempool-capacity N     the node's mempool capacity (default 200000)
            --external-client        submit through an Orleans client over the Orleans gateway port (TCP) instead
                                     of the silo's in-process client (cluster-internal: users have no such path)
            --graphql                submit through the public API as users do: OpenLedger.Client's LedgerClient,
                                     sendTransactions over HTTP (batch at most 1000), blocks seen by polling the head
            --keep                   keep the temporary data directory

          marketplace              contributions (content upload through IContentGrain, sign, submit, commit) and
                                   attribution settlements (each paying 100 contributors) through the same node, as
                                   rates and as ratios to the recovery ceiling measured in the same run
            --contributions N        measured contributions, 1-2 KiB of text each (default 40000; quick 3000)
            --contributors N         contributor accounts, each a run of consecutive nonces (default 4000; quick 300)
            --uploads N              texts uploaded alone first, for the upload part's own rate (default 20000; quick 1000)
            --upload-concurrency N   PutAsync calls in flight (default 32)
            --lanes N                contributor groups submitting concurrently (default 4)
            --settlements N          measured SettleAttribution transactions (default 15000; quick 1500)
            --attributions N         contributions each settlement pays (default 100)
            --attribution-operators N  operator accounts settling in parallel (default 1, the dev genesis' one)
            --warmup-contributions N, --warmup-settlements N   pushed through first on other accounts/inferences
            --ceiling-txs N          pre-signed transfers for the recovery ceiling (default 30000; quick 10000)
            --batch N                transactions per SubmitAsync call (default 250)
            --block-interval-ms N    block interval (default 1000)
            --quick                  the small sizes above (a smoke test: under a minute)
            --keep                   keep the temporary data directory

          inference-cost           the producer's cost of one RequestInference and of a price-only UpdateModel
                                   against a model of n versions (each on 16 datanet versions): the core's block
                                   executor on an in-memory state, signatures checked before the clock starts
            --versions N,N,...       model versions to measure (default 1,16,64)
            --requests N             RequestInference transactions per block (default 1000)
            --rounds N               measured blocks; the median is printed (default 5)

          failover                 producer failover: 3 core silos, an ML silo and a standalone gateway as real
                                   processes on a PostgreSQL server it starts, signed transfers through the gateway's
                                   GraphQL; SIGKILL the producer's silo (then restart it) and time each kill to the next
                                   committed block: a table, the median and the max against the target (5 s, 10 s)
            --kills N                SIGKILLs of the producer's silo (default 10)
            --senders N              accounts sending transfers concurrently (default 6)
            --block-interval-ms N    block interval; every silo seals empty blocks too (default 500)
            --block-timeout N        seconds to wait for the next block before a kill counts as failed (default 60)
            --idle                   no transactions: only empty blocks (what wakes the producer without traffic)
            --keep                   keep the silos' directories

          scaleout                 real silo processes (`openledger run`) on a PostgreSQL server it starts (initdb in a
                                   temp directory, as an unprivileged user when run as root), reached through GraphQL:
                                   signed transfers/s with 1, 2, 3 silos on PostgreSQL and 1 on SQLite; paid
                                   inferences/s (requested -> served -> settled) with 1, 2, 3 silos; each row with its
                                   latency, the silos' and PostgreSQL's CPU, the load average and the others' CPU share
            --silos N,N,...          silo counts, 1 first (default 1,2,3)
            --only transfers|inferences   one of the two tables
            --txs N                  measured transfers per row (default 60000; quick 2000)
            --accounts N             senders per row, each a run of consecutive nonces (default 6000; quick 200)
            --warmup N               transfers sent first on other accounts in each row: new silos start cold
                                     (default 3000; quick 0)
            --batch N                transactions per sendTransactions (default 500)
            --concurrency N          sendTransactions in flight, spread over the silos (default 4)
            --block-interval-ms N    the transfers chain's block interval (default 1000)
            --inferences N           paid inferences per row (default 40; quick 2)
            --warmup-inferences N    an unmeasured round first in each row, for silos that just joined (default 4; quick 0)
            --callers N              accounts requesting them, spread over the silos (default 4)
            --examples N, --steps N  the model's datanet and training steps, made once (default 60, 20; quick 40, 4)
            --inference-block-interval-ms N   the inference chain's block interval (default 200)
            --retries N              rows redone when other processes took more than --max-others of the machine
                                     (default 1; quick 0)
            --max-others X           that share, 0..1 (default 0.35)
            --quick                  the small sizes above (a smoke run)
            --keep                   keep the temporary directory (silo data, genesis files)
        """);
    return 0;
}
