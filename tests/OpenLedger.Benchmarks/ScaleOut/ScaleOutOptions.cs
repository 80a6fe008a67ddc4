using System.Globalization;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>The scale-out benchmark's knobs, from the command line.</summary>
public sealed record ScaleOutOptions(
    IReadOnlyList<int> SiloCounts,
    int Transfers,
    int Accounts,
    int WarmupTransfers,
    int BatchSize,
    int Concurrency,
    int BlockIntervalMs,
    int Inferences,
    int WarmupInferences,
    int Callers,
    int Examples,
    int TrainingSteps,
    int InferenceBlockIntervalMs,
    bool RunTransfers,
    bool RunInferences,
    int Retries,
    double MaxOthersShare,
    bool Quick,
    bool KeepData)
{
    public static ScaleOutOptions From(Args a)
    {
        var quick = a.Has("quick");
        var only = a.Get("only");
        if (only is not (null or "transfers" or "inferences")) throw new UsageException("--only must be transfers or inferences");
        var silos = a.Get("silos", "1,2,3").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 8 ? n : throw new UsageException($"--silos: '{s}' is not a silo count 1..8"))
            .Distinct().Order().ToList();
        if (silos.Count == 0 || silos[0] != 1) throw new UsageException("--silos must include 1 (the ratios are to the 1-silo row)");
        var o = new ScaleOutOptions(
            SiloCounts: silos,
            Transfers: a.GetInt("txs", quick ? 2_000 : 60_000),
            Accounts: a.GetInt("accounts", quick ? 200 : 6_000),
            WarmupTransfers: a.GetInt("warmup", quick ? 0 : 3_000),
            BatchSize: a.GetInt("batch", 500),
            Concurrency: a.GetInt("concurrency", 4),
            BlockIntervalMs: a.GetInt("block-interval-ms", 1000),
            Inferences: a.GetInt("inferences", quick ? 2 : 40),
            WarmupInferences: a.GetInt("warmup-inferences", quick ? 0 : 4),
            Callers: a.GetInt("callers", 4),
            Examples: a.GetInt("examples", quick ? 40 : 60),
            TrainingSteps: a.GetInt("steps", quick ? 4 : 20),
            InferenceBlockIntervalMs: a.GetInt("inference-block-interval-ms", 200),
            RunTransfers: only is null or "transfers",
            RunInferences: only is null or "inferences",
            Retries: a.GetInt("retries", quick ? 0 : 1),
            MaxOthersShare: double.Parse(a.Get("max-others", "0.35"), CultureInfo.InvariantCulture),
            Quick: quick,
            KeepData: a.Has("keep"));
        if (o.Accounts < 2) throw new UsageException("--accounts must be at least 2");
        if (o.Transfers < 1) throw new UsageException("--txs must be positive");
        // Batches spread over silos may reach the mempool out of order, and it keeps at most 16 transactions per sender
        // behind a nonce gap (FutureQueueFull beyond): a sender's run must fit.
        if ((o.Transfers + o.Accounts - 1) / o.Accounts > 16) throw new UsageException("--txs / --accounts must be at most 16 (the mempool's gapped transactions per sender)");
        if (o.BatchSize is < 1 or > 1_000) throw new UsageException("--batch must be 1..1000 (sendTransactions' limit)");
        if (o.Concurrency < 1) throw new UsageException("--concurrency must be positive");
        if (o.BlockIntervalMs < 10 || o.InferenceBlockIntervalMs < 10) throw new UsageException("block intervals must be at least 10 ms");
        if (o.Inferences < 1) throw new UsageException("--inferences must be positive");
        if (o.WarmupInferences < 0) throw new UsageException("--warmup-inferences must be 0 or more");
        if (o.Callers is < 1 or > 8) throw new UsageException("--callers must be 1..8 (dev accounts 2..9)");
        if (o.Examples < 8) throw new UsageException("--examples must be at least 8");
        if (o.TrainingSteps < 1) throw new UsageException("--steps must be positive");
        if (o.Retries < 0) throw new UsageException("--retries must be 0 or more");
        if (o.MaxOthersShare is <= 0 or > 1) throw new UsageException("--max-others must be in (0, 1]");
        return o;
    }
}
