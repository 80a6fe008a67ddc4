using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>A batch of signed transactions, ready for the transaction intake.</summary>
public sealed record TxBatchToSubmit(byte[][] Raw, Hash32[] Hashes);

/// <summary>A sequence of batches that must reach the mempool in order (one sender's nonces, or a group of senders'):
/// the driver keeps one batch of a lane in the transaction intake at a time. <see cref="Build"/> makes batch i (upload content,
/// sign...); it runs one batch ahead of the submission, so building overlaps the node's work.</summary>
public sealed record Lane(int Batches, Func<int, Task<TxBatchToSubmit>> Build);

/// <summary>What a bulk run did: admission, commits (by the block feed), timings. Receipts are checked afterwards
/// from the store (see <see cref="ReceiptCheck"/>).</summary>
public sealed class BulkRun
{
    public int Submitted, Accepted, Committed, Excluded;
    public required ConcurrentDictionary<string, int> Rejections { get; init; }
    public required ConcurrentQueue<string> RejectionSamples { get; init; }
    public long StartTicks, FirstSubmitTicks, LastCommitTicks, EndTicks;
    /// <summary>Stopwatch ticks at which each transaction was seen committed, sorted.</summary>
    public required List<long> CommitTicks { get; init; }
    /// <summary>Submit -> seen committed, milliseconds, sorted.</summary>
    public required List<double> LatenciesMs { get; init; }
    public required HashSet<long> Heights { get; init; }
    public required List<Hash32> AcceptedHashes { get; init; }
    public long BuildTicks, SubmitTicks;
    public bool Stalled;

    public double Seconds => (LastCommitTicks - StartTicks) / (double)Stopwatch.Frequency;
    public double PerSecond => Committed / Seconds;

    /// <summary>The commit rate between the blocks that carried the 10th and the 90th percentile transaction (leaves
    /// out the wait for the first block and the drain at the end); NaN when too few blocks.</summary>
    public double SustainedPerSecond
    {
        get
        {
            if (CommitTicks.Count < 10) return double.NaN;
            var t10 = CommitTicks[(int)(0.1 * CommitTicks.Count)];
            var t90 = CommitTicks[(int)(0.9 * CommitTicks.Count)];
            if (t90 <= t10) return double.NaN;
            int upTo10 = CommitTicks.FindLastIndex(t => t <= t10) + 1, upTo90 = CommitTicks.FindLastIndex(t => t <= t90) + 1;
            return (upTo90 - upTo10) / ((t90 - t10) / (double)Stopwatch.Frequency);
        }
    }

    public double Percentile(double p) => LatenciesMs.Count == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Count - 1, (int)Math.Ceiling(p * LatenciesMs.Count) - 1)];
}

/// <summary>Pushes lanes of batches through <see cref="ITransactionIntakeGrain"/> and follows them to their blocks.
/// Each lane has one batch in the transaction intake at a time (so its senders' nonces arrive in order) and at most
/// <c>laneWindow</c> transactions submitted but not committed (a sender may have 1,024 pending); all lanes together at
/// most <c>globalWindow</c>. Commits are stamped when the chain watcher delivers their block.</summary>
public sealed class BulkDriver(IGrainFactory grains, ChainWatcher watcher)
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    public async Task<BulkRun> RunAsync(IReadOnlyList<Lane> lanes, int laneWindow = 1_000, long globalWindow = 150_000)
    {
        var intake = grains.GetGrain<ITransactionIntakeGrain>(0);
        var run = new BulkRun
        {
            Rejections = new(), RejectionSamples = new(), CommitTicks = [], LatenciesMs = [], Heights = [], AcceptedHashes = [],
        };
        var outstanding = new ConcurrentDictionary<Hash32, (int Lane, long SubmitTicks)>();
        var laneWindows = lanes.Select(_ => new TxWindow(laneWindow)).ToArray();
        var global = new TxWindow(globalWindow);
        var lanesLeft = lanes.Count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new object();
        var lastProgress = Stopwatch.GetTimestamp();

        void CheckDone()
        {
            lock (gate)
                if (Volatile.Read(ref lanesLeft) == 0 && run.Committed + run.Excluded >= run.Accepted) done.TrySetResult();
        }

        void OnBlock(Hash32[] included, Hash32[] excluded, long height, long now)
        {
            var perLane = new int[lanes.Count];
            var mine = 0;
            lock (gate)
            {
                foreach (var h in included)
                    if (outstanding.TryRemove(h, out var o))
                    {
                        perLane[o.Lane]++;
                        mine++;
                        run.Committed++;
                        run.CommitTicks.Add(now);
                        run.LatenciesMs.Add((now - o.SubmitTicks) * 1000.0 / Stopwatch.Frequency);
                        run.LastCommitTicks = now;
                    }
                foreach (var h in excluded)
                    if (outstanding.TryRemove(h, out var o)) { perLane[o.Lane]++; mine++; run.Excluded++; }
                if (mine > 0) { run.Heights.Add(height); lastProgress = now; }
            }
            for (int l = 0; l < perLane.Length; l++) laneWindows[l].Release(perLane[l]);
            global.Release(mine);
            CheckDone();
        }

        using var subscription = watcher.Subscribe((b, now) => OnBlock([.. b.Included], [.. b.Excluded], b.Height, now));
        run.StartTicks = Stopwatch.GetTimestamp();

        Task<TxBatchToSubmit> BuildTimed(Lane lane, int index) => Task.Run(async () =>
        {
            var t0 = Stopwatch.GetTimestamp();
            var batch = await lane.Build(index);
            Interlocked.Add(ref run.BuildTicks, Stopwatch.GetTimestamp() - t0);
            return batch;
        });

        async Task LaneAsync(int li)
        {
            var lane = lanes[li];
            var next = lane.Batches > 0 ? BuildTimed(lane, 0) : null;
            for (int b = 0; b < lane.Batches; b++)
            {
                var batch = await next!;
                next = b + 1 < lane.Batches ? BuildTimed(lane, b + 1) : null;
                var n = batch.Raw.Length;
                await laneWindows[li].AcquireAsync(n);
                await global.AcquireAsync(n);
                var t = Stopwatch.GetTimestamp();
                foreach (var h in batch.Hashes) outstanding[h] = (li, t);
                lock (gate)
                {
                    if (run.FirstSubmitTicks == 0) run.FirstSubmitTicks = t;
                    lastProgress = t;
                }
                var results = await intake.SubmitAsync(batch.Raw);
                Interlocked.Add(ref run.SubmitTicks, Stopwatch.GetTimestamp() - t);
                var bad = 0;
                lock (gate)
                {
                    run.Submitted += n;
                    for (int i = 0; i < results.Count; i++)
                    {
                        if (results[i].Accepted) { run.Accepted++; run.AcceptedHashes.Add(batch.Hashes[i]); continue; }
                        if (outstanding.TryRemove(batch.Hashes[i], out _)) bad++;
                        run.Rejections.AddOrUpdate(results[i].ErrorCode!, 1, (_, c) => c + 1);
                        if (run.RejectionSamples.Count < 5) run.RejectionSamples.Enqueue($"{batch.Hashes[i]}: {results[i].ErrorCode} {results[i].Message}");
                    }
                }
                laneWindows[li].Release(bad);
                global.Release(bad);
            }
            Interlocked.Decrement(ref lanesLeft);
            CheckDone();
        }

        var laneTasks = Enumerable.Range(0, lanes.Count).Select(l => Task.Run(() => LaneAsync(l))).ToList();
        // Watch for a stall: nothing of ours committed for a minute while some is outstanding.
        while (!done.Task.IsCompleted)
        {
            var failed = laneTasks.FirstOrDefault(t => t.IsFaulted);
            if (failed is not null) await failed; // rethrows
            await Task.WhenAny(done.Task, Task.Delay(500));
            bool stalled;
            lock (gate) stalled = !outstanding.IsEmpty && Stopwatch.GetElapsedTime(lastProgress) > StallLimit;
            if (stalled) { run.Stalled = true; break; }
        }
        if (!run.Stalled) await Task.WhenAll(laneTasks);
        run.EndTicks = Stopwatch.GetTimestamp();
        lock (gate)
        {
            run.CommitTicks.Sort();
            run.LatenciesMs.Sort();
        }
        return run;
    }
}
