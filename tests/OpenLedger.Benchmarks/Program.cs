using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Silo.Configuration;

// Benchmark programs: each prints a table with its reference (the machine's own ceiling) measured in the same run.
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks -- ledger [--txs 100000] [--accounts 10000] [--block-interval-ms 1000]
try
{
    var a = new Args(args);
    return a.Verb switch
    {
        "ledger" => await LedgerBenchmark.RunAsync(LedgerBenchmarkOptions.From(a)),
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

          ledger                   signed transfers through a whole in-process node: gateway -> signature
                                   verifiers -> mempool -> sequencer -> SQLite commit, against the machine's
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
            --external-client        submit through an Orleans client over the gateway port (TCP) instead of
                                     the silo's in-process client
            --keep                   keep the temporary data directory
        """);
    return 0;
}
