using System.Diagnostics;
using OpenLedger.Benchmarks.Ledger;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>Signed transfers, pre-signed, sent in batches through <c>sendTransactions</c> (several in flight, spread over
/// the silos' HTTP ports) until each is seen committed: the ledger benchmark's open-loop driver
/// (<see cref="LoadDriver"/>) on a cluster of real silo processes instead of one in-process node.</summary>
public static class TransferRows
{
    /// <summary>Measures one row on the cluster as it is now: a warm-up slice (new silos start cold), then the measured
    /// slice; again on a fresh slice when other processes took more of the machine than allowed.</summary>
    public static async Task<List<ScaleRow>> MeasureAsync(SiloCluster cluster, int? postmaster, TransferSlices slices, ScaleOutOptions o)
    {
        var taken = new List<ScaleRow>();
        var access = new SpreadNodeAccess(cluster.Clients);
        for (var attempt = 1; ; attempt++)
        {
            var (warmup, measured) = slices.Next();
            if (warmup.Raw.Length > 0)
            {
                var warm = await new LoadDriver(access, warmup.Raw, warmup.Hashes, DriverOptions(o, warmup.Raw.Length)).RunAsync();
                Console.WriteLine($"    warm-up: {warm.Committed:N0} / {warmup.Raw.Length:N0} committed");
                await Task.Delay(TimeSpan.FromSeconds(2)); // let tiered compilation in the silos settle
            }
            var meter = new RowMeter(cluster, postmaster);
            meter.Start();
            var run = await new LoadDriver(access, measured.Raw, measured.Hashes, DriverOptions(o, measured.Raw.Length)).RunAsync();
            var (rate, p50, p99) = Figures(run);
            var failure = run.Stalled ? "STALLED" : run.Rejections.Count > 0 ? "rejected: " + string.Join(", ", run.Rejections.Select(kv => $"{kv.Key} {kv.Value}")) : null;
            var row = meter.Stop(measured.Raw.Length, run.Committed, rate, p50, p99, attempt, failure);
            taken.Add(row);
            Console.WriteLine($"    {row.Silos} silo(s) {row.Store}: {row.PerSecond:N0} tx/s, p50 {row.P50Ms:N0} ms, p99 {row.P99Ms:N0} ms, " +
                              $"nodes {row.NodeCpuPer(1000):F2} CPU s per 1,000 tx, load {row.LoadBefore} -> {row.LoadAfter}, others {row.OthersShare:P0}");
            if (row.OthersShare <= o.MaxOthersShare || attempt > o.Retries) return taken;
            Console.WriteLine($"    other processes took {row.OthersShare:P0} of the machine (over {o.MaxOthersShare:P0}): again after 30 s");
            await Task.Delay(TimeSpan.FromSeconds(30));
        }
    }

    private static LedgerBenchmarkOptions DriverOptions(ScaleOutOptions o, int transactions) => new(
        transactions, WarmupTransactions: 0, o.Accounts, o.BlockIntervalMs, MaxBlockTransactions: 20_000, o.BatchSize, o.Concurrency,
        FixedWindow: null, MempoolCapacity: 200_000, NodePath.GraphQL, o.KeepData);

    /// <summary>End to end, first submit to last commit seen (the run's edges included: short runs are mostly edges), and
    /// the latency from each batch's submit to its block seen by polling the head.</summary>
    private static (double Rate, double P50, double P99) Figures(RunResult run)
    {
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var latencies = new List<double>();
        long first = long.MaxValue, last = 0;
        for (var i = 0; i < run.SubmitTicks.Length; i++)
        {
            if (run.SubmitTicks[i] != 0) first = Math.Min(first, run.SubmitTicks[i]);
            if (run.CommitTicks[i] == 0) continue;
            latencies.Add(Ms(run.CommitTicks[i] - run.SubmitTicks[i]));
            last = Math.Max(last, run.CommitTicks[i]);
        }
        latencies.Sort();
        var rate = latencies.Count == 0 ? 0 : latencies.Count / (Ms(last - first) / 1000);
        return (rate, RowMeter.Percentile(latencies, 0.50), RowMeter.Percentile(latencies, 0.99));
    }
}
