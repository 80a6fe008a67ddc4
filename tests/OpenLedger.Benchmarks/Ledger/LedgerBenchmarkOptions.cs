using OpenLedger.Silo.Configuration;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The path the transfers take into the node.</summary>
public enum NodePath
{
    /// <summary>The silo's own grain client, in the benchmark's process.</summary>
    InProcess,
    /// <summary>An Orleans client of the gateway port over TCP (cluster-internal, with the cluster certificate).</summary>
    OrleansClient,
    /// <summary>The public API, as users reach it: LedgerClient, GraphQL over HTTP.</summary>
    GraphQL,
}

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
    NodePath Path,
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
            Path: a.Has("graphql") ? NodePath.GraphQL : a.Has("external-client") ? NodePath.OrleansClient : NodePath.InProcess,
            KeepData: a.Has("keep"));
        if (o.Accounts < 2) throw new UsageException("--accounts must be at least 2");
        if (o.Transactions < 1) throw new UsageException("--txs must be positive");
        if (o.BatchSize is < 1 or > 10_000) throw new UsageException("--batch must be 1..10000 (the transaction intake's limit)");
        if (a.Has("graphql") && a.Has("external-client")) throw new UsageException("--graphql and --external-client are two different paths: give one");
        if (o.Path == NodePath.GraphQL && o.BatchSize > 1_000) throw new UsageException("--batch must be 1..1000 with --graphql (sendTransactions' limit)");
        if (o.Concurrency < 1) throw new UsageException("--concurrency must be positive");
        if (o.BlockIntervalMs < 10) throw new UsageException("--block-interval-ms must be at least 10");
        return o;
    }
}
