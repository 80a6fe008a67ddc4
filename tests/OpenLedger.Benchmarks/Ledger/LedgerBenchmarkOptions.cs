using OpenLedger.Silo.Configuration;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The ledger benchmark's knobs, from the command line.</summary>
public sealed record LedgerBenchmarkOptions(
    int Transactions,
    int WarmupTransactions,
    int Accounts,
    int BlockIntervalMs,
    int MaxBlockTransactions,
    int BatchSize,
    int Concurrency,
    int? FixedWindow,
    int MempoolCapacity,
    bool ExternalClient,
    bool KeepData)
{
    public static LedgerBenchmarkOptions From(Args a)
    {
        var quick = a.Has("quick");
        var o = new LedgerBenchmarkOptions(
            Transactions: a.GetInt("txs", quick ? 20_000 : 100_000),
            WarmupTransactions: a.GetInt("warmup", quick ? 3_000 : 6_000),
            Accounts: a.GetInt("accounts", quick ? 2_000 : 10_000),
            BlockIntervalMs: a.GetInt("block-interval-ms", 1000),
            MaxBlockTransactions: a.GetInt("max-block-txs", 20_000),
            BatchSize: a.GetInt("batch", 500),
            Concurrency: a.GetInt("concurrency", 2),
            FixedWindow: a.Get("window") is null ? null : a.GetInt("window", 0),
            MempoolCapacity: a.GetInt("mempool-capacity", 200_000),
            ExternalClient: a.Has("external-client"),
            KeepData: a.Has("keep"));
        if (o.Accounts < 2) throw new UsageException("--accounts must be at least 2");
        if (o.Transactions < 1) throw new UsageException("--txs must be positive");
        if (o.BatchSize is < 1 or > 10_000) throw new UsageException("--batch must be 1..10000 (the transaction intake's limit)");
        if (o.Concurrency < 1) throw new UsageException("--concurrency must be positive");
        if (o.BlockIntervalMs < 10) throw new UsageException("--block-interval-ms must be at least 10");
        return o;
    }
}
