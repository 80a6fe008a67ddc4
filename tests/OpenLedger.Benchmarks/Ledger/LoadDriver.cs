using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>One block as the benchmark saw it arrive through the long-poll.</summary>
public sealed record ObservedBlock(long Height, int Included, int Excluded, long TimestampMs, long ObservedTicks);

/// <summary>A mempool sample: how much work waited for the producer at that moment.</summary>
public sealed record MempoolSample(long Ticks, int Pending, int Ready, int InFlight, long Outstanding,
    MachineCpu Machine, TimeSpan ProcessCpu);

/// <summary>What a run produced: per transaction the submit and the commit-observed times (Stopwatch ticks; 0 = never).</summary>
public sealed class RunResult
{
    public required long[] SubmitTicks { get; init; }
    public required long[] CommitTicks { get; init; }
    public required IReadOnlyDictionary<string, int> Rejections { get; init; }
    public required IReadOnlyList<ObservedBlock> Blocks { get; init; }
    public required IReadOnlyList<MempoolSample> Samples { get; init; }
    public required int Accepted { get; init; }
    public required int Committed { get; init; }
    public required long StartTicks { get; init; }
    /// <summary>Unix milliseconds at <see cref="StartTicks"/>: relates block header timestamps to Stopwatch ticks.</summary>
    public required long StartUnixMs { get; init; }
    public required long EndTicks { get; init; }
    public required int HeightGaps { get; init; }
    public required bool Stalled { get; init; }
}

/// <summary>Drives the node in an open loop: <c>concurrency</c> submitters each keep one batch in the transaction intake and send
/// the next as soon as it is admitted, never waiting for commits; so the mempool fills as fast as the node verifies,
/// and what waits in front of the verifiers is bounded by concurrency x batch. One long-poll (or head poll) of the chain
/// observes every block and stamps each included transaction. A window (submitted but not yet committed) caps the
/// whole below the mempool's capacity; --window makes it tighter.</summary>
public sealed class LoadDriver(INodeAccess node, byte[][] raw, Hash32[] hashes, LedgerBenchmarkOptions options)
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    public async Task<RunResult> RunAsync()
    {
        var n = raw.Length;
        var submitTicks = new long[n];
        var commitTicks = new long[n];
        var index = new Dictionary<Hash32, int>(n);
        for (int i = 0; i < n; i++) index[hashes[i]] = i;

        var window = new TxWindow(options.FixedWindow ?? (long)(0.9 * options.MempoolCapacity));

        var startHeight = await node.HeadHeightAsync();

        var rejections = new ConcurrentDictionary<string, int>();
        int accepted = 0, rejected = 0, committed = 0, nextBatch = 0, submittersLeft = options.Concurrency;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new CancellationTokenSource();
        void CheckDone()
        {
            if (Volatile.Read(ref submittersLeft) == 0 && Volatile.Read(ref committed) >= Volatile.Read(ref accepted)) allDone.TrySetResult();
        }

        var start = Stopwatch.GetTimestamp();
        var startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        async Task SubmitterAsync()
        {
            while (true)
            {
                var from = Interlocked.Add(ref nextBatch, options.BatchSize) - options.BatchSize;
                if (from >= n) break;
                var count = Math.Min(options.BatchSize, n - from);
                await window.AcquireAsync(count);
                var batch = new byte[count][];
                Array.Copy(raw, from, batch, 0, count);
                var t = Stopwatch.GetTimestamp();
                for (int i = from; i < from + count; i++) submitTicks[i] = t;
                var results = await node.SubmitAsync(batch);
                int ok = 0, bad = 0;
                for (int i = 0; i < results.Count; i++)
                {
                    if (results[i].Accepted) ok++;
                    else
                    {
                        bad++;
                        rejections.AddOrUpdate(results[i].ErrorCode!, 1, (_, c) => c + 1);
                    }
                }
                Interlocked.Add(ref accepted, ok);
                Interlocked.Add(ref rejected, bad);
                window.Release(bad); // rejected ones will never commit
            }
            Interlocked.Decrement(ref submittersLeft);
            CheckDone();
        }

        var blocks = new List<ObservedBlock>();
        var gaps = 0;
        var stalled = false;
        async Task TrackerAsync()
        {
            var after = startHeight;
            var lastProgress = Stopwatch.GetTimestamp();
            while (!allDone.Task.IsCompleted)
            {
                var got = await node.WaitForBlocksAsync(after, TimeSpan.FromSeconds(2));
                var now = Stopwatch.GetTimestamp();
                foreach (var b in got.OrderBy(b => b.Height))
                {
                    if (b.Height <= after) continue;
                    if (b.Height != after + 1) gaps++; // fell behind the chain grain's recent list (should not happen)
                    after = b.Height;
                    int mine = 0;
                    foreach (var h in b.Included)
                        if (index.TryGetValue(h, out var i) && commitTicks[i] == 0) { commitTicks[i] = now; mine++; }
                    blocks.Add(new ObservedBlock(b.Height, b.Included.Count, b.Excluded.Count, b.TimestampMs, now));
                    Interlocked.Add(ref committed, mine);
                    window.Release(mine);
                }
                if (got.Count > 0) lastProgress = now;
                else if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit) { stalled = true; allDone.TrySetResult(); }
                CheckDone();
            }
        }

        var samples = new List<MempoolSample>();
        var process = Process.GetCurrentProcess();
        async Task SamplerAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var s = await node.GetMempoolStatsAsync();
                    process.Refresh();
                    samples.Add(new MempoolSample(Stopwatch.GetTimestamp(), s.Pending, s.Ready, s.InFlight, window.Outstanding,
                        MachineCpu.Read(), process.TotalProcessorTime));
                    await Task.Delay(100, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
        }

        var tracker = Task.Run(TrackerAsync);
        var sampler = Task.Run(SamplerAsync);
        var submitters = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(SubmitterAsync)).ToList();
        await Task.WhenAll(submitters);
        await allDone.Task;
        var end = Stopwatch.GetTimestamp();
        await stop.CancelAsync();
        await tracker;
        await sampler;

        return new RunResult
        {
            SubmitTicks = submitTicks, CommitTicks = commitTicks, Rejections = rejections, Blocks = blocks, Samples = samples,
            Accepted = accepted, Committed = committed, StartTicks = start, StartUnixMs = startUnixMs, EndTicks = end, HeightGaps = gaps, Stalled = stalled,
        };
    }
}
