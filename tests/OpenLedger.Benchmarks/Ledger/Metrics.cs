using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The numbers the table prints, computed from a run.</summary>
public sealed record Metrics(
    string Cpu, int Cores, string Os, string Runtime, DateTimeOffset Date, string LoadBefore,
    LedgerBenchmarkOptions Options, int Transactions, int Accounts,
    double CeilingPerSecond, double CeilingOneCore,
    double EndToEndPerSecond, double SustainedPerSecond,
    double P50Ms, double P99Ms, double MaxMs, double MeanMs,
    int Blocks, double AvgTxPerBlock, int MaxTxPerBlock, double MeanBlockGapMs, double MeanSealToSeenMs, double MaxSealToSeenMs,
    int Accepted, int Committed, IReadOnlyDictionary<string, int> Rejections, int Excluded, int HeightGaps, bool Stalled,
    double WallSeconds, double CpuUtilisation, (int G0, int G1, int G2, TimeSpan Pause) Gc,
    double MeanMempoolPending, double StarvedFraction, long MaxOutstanding,
    double CeilingCpuMicros, double NodeCpuMicros)
{
    /// <summary>Contention-proof view of the ratio: CPU per verification alone over process CPU per committed
    /// transaction in the node (what the ratio would be with every core busy and nothing else on the machine).</summary>
    public double CpuRatio => CeilingCpuMicros / NodeCpuMicros;
    /// <summary>The node's CPU per committed transaction beyond recovery: everything the ledger path costs but the
    /// signature check (decode, messaging, mempool, execution, hashing, SQLite, GC), which native recovery leaves.</summary>
    public double NodeMinusVerifyMicros => NodeCpuMicros - CeilingCpuMicros;
    public double CeilingAfter { get; init; } = double.NaN;
    public string LoadAfter { get; init; } = "n/a";
    public double CeilingMedian { get; init; }
    /// <summary>Contention-adjusted figures: each rate divided by the share of the machine other processes left
    /// (median over the ceiling's rounds before and after the run; the run as a whole).</summary>
    public double CeilingAdjusted { get; init; } = double.NaN;
    public double RunAvailable { get; init; } = 1;
    /// <summary>The available share over the sustained window itself (10% to 90% of commits).</summary>
    public double SustainedAvailable { get; init; } = double.NaN;
    public (double Ours, double Idle) SustainedShares { get; init; } = (double.NaN, double.NaN);
    public double SustainedAdjusted => SustainedPerSecond / (double.IsNaN(SustainedAvailable) ? RunAvailable : SustainedAvailable);
    public double AdjustedRatio => SustainedAdjusted / CeilingAdjusted;
    public int CeilingRounds { get; init; }
    /// <summary>Bytes the whole process allocated during the run (the node, the driver and its tracker): a figure other
    /// processes on the machine cannot distort, unlike CPU time per transaction.</summary>
    public long AllocatedBytes { get; init; } = -1;
    /// <summary>The machine's busy and idle CPU time over the run (all cores).</summary>
    public MachineCpu Machine { get; init; }
    public double Ratio => SustainedPerSecond / CeilingPerSecond;
    public double EndToEndRatio => EndToEndPerSecond / CeilingPerSecond;
    public double Interval => Options.BlockIntervalMs;
    public bool AllCommitted => Committed == Transactions && Rejections.Count == 0 && !Stalled;

    public static Metrics From(LedgerBenchmarkOptions o, Workload work, RecoveryCeiling.Result ceiling, RunResult run,
        TimeSpan cpu, (int, int, int, TimeSpan) gc, string loadBefore)
    {
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

        var n = run.SubmitTicks.Length;
        var latencies = new List<double>(n);
        var commits = new List<long>(n);
        long firstSubmit = long.MaxValue, lastCommit = 0;
        for (int i = 0; i < n; i++)
        {
            if (run.SubmitTicks[i] != 0) firstSubmit = Math.Min(firstSubmit, run.SubmitTicks[i]);
            if (run.CommitTicks[i] == 0) continue;
            latencies.Add(Ms(run.CommitTicks[i] - run.SubmitTicks[i]));
            commits.Add(run.CommitTicks[i]);
            lastCommit = Math.Max(lastCommit, run.CommitTicks[i]);
        }
        latencies.Sort();
        commits.Sort();
        double Pct(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];

        var e2e = commits.Count == 0 ? 0 : commits.Count / (Ms(lastCommit - firstSubmit) / 1000.0);
        // Sustained: the commit rate between the blocks that carried the 10th and the 90th percentile transaction,
        // which leaves out the first block's wait and the drain at the end.
        double sustained = e2e, sustainedAvailable = double.NaN;
        (double Ours, double Idle) sustainedShares = (double.NaN, double.NaN);
        if (commits.Count >= 10)
        {
            var t10 = commits[(int)(0.1 * commits.Count)];
            var t90 = commits[(int)(0.9 * commits.Count)];
            var upTo10 = UpperBound(commits, t10);
            var upTo90 = UpperBound(commits, t90);
            if (t90 > t10) sustained = (upTo90 - upTo10) / (Ms(t90 - t10) / 1000.0);
            // The share of the machine left to this process over the same window (samples every ~100 ms).
            var a = run.Samples.LastOrDefault(x => x.Ticks <= t10);
            var b = run.Samples.LastOrDefault(x => x.Ticks <= t90);
            if (a is not null && b is not null && b.Ticks > a.Ticks)
            {
                var m = b.Machine - a.Machine;
                var all = m.BusySeconds + m.IdleSeconds;
                sustainedAvailable = m.AvailableShare(b.ProcessCpu - a.ProcessCpu);
                sustainedShares = ((b.ProcessCpu - a.ProcessCpu).TotalSeconds / all, m.IdleSeconds / all);
            }
        }

        var txBlocks = run.Blocks.Where(b => b.Included > 0).ToList();
        var gaps = txBlocks.Zip(txBlocks.Skip(1), (a, b) => (double)(b.TimestampMs - a.TimestampMs)).ToList();
        // A block's header timestamp is taken when the producer starts executing it: from there to the long-poll
        // delivering it is execution, the commit and the notification (clocks related at the run's start; ~1 ms).
        var sealToSeen = txBlocks.Select(b => Ms(b.ObservedTicks - run.StartTicks) - (b.TimestampMs - run.StartUnixMs)).ToList();
        var steady = run.Samples.Where(s => s.Ticks > run.StartTicks + Stopwatch.Frequency && s.Ticks < (commits.Count > 0 ? commits[(int)(0.9 * commits.Count)] : 0)).ToList();

        return new Metrics(
            CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            DateTimeOffset.UtcNow, loadBefore, o, n, o.Accounts,
            ceiling.AllCoresPerSecond, ceiling.OneCorePerSecond, e2e, sustained,
            Pct(0.50), Pct(0.99), latencies.Count == 0 ? double.NaN : latencies[^1], latencies.Count == 0 ? double.NaN : latencies.Average(),
            txBlocks.Count, txBlocks.Count == 0 ? 0 : txBlocks.Average(b => b.Included), txBlocks.Count == 0 ? 0 : txBlocks.Max(b => b.Included),
            gaps.Count == 0 ? double.NaN : gaps.Average(),
            sealToSeen.Count == 0 ? double.NaN : sealToSeen.Average(), sealToSeen.Count == 0 ? double.NaN : sealToSeen.Max(),
            run.Accepted, run.Committed, run.Rejections, run.Blocks.Sum(b => b.Excluded), run.HeightGaps, run.Stalled,
            Ms(run.EndTicks - run.StartTicks) / 1000.0, cpu.TotalSeconds / (Ms(run.EndTicks - run.StartTicks) / 1000.0 * Environment.ProcessorCount), gc,
            steady.Count == 0 ? double.NaN : steady.Average(s => s.Pending),
            steady.Count == 0 ? double.NaN : steady.Count(s => s.Ready == 0) / (double)steady.Count,
            run.Samples.Count == 0 ? 0 : run.Samples.Max(s => s.Outstanding),
            ceiling.CpuMicrosPerTx, run.Committed == 0 ? double.NaN : cpu.TotalMilliseconds * 1000 / run.Committed)
        {
            SustainedAvailable = sustainedAvailable,
            SustainedShares = sustainedShares,
        };
    }

    private static int UpperBound(List<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }
}
