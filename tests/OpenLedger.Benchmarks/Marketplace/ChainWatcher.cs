using System.Diagnostics;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>A block as the watcher saw it arrive: its header timestamp and when the long-poll delivered it.</summary>
public sealed record SeenBlock(long Height, int Included, int Excluded, long TimestampMs, long ObservedTicks);

/// <summary>One long-poll on the chain grain for the whole benchmark: every committed block, in height order, is
/// recorded and handed to whoever subscribed (the bulk driver of the phase running). Header timestamps (Unix ms) are
/// related to Stopwatch ticks at the start, so "sealed -> seen" (execute, commit, notify) can be computed.</summary>
public sealed class ChainWatcher
{
    private readonly IChainGrain _chain;
    private readonly object _gate = new();
    private readonly List<SeenBlock> _blocks = [];
    private readonly List<Action<BlockCommitted, long>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _after;

    public ChainWatcher(IChainGrain chain) => _chain = chain;

    public long StartTicks { get; private set; }
    public long StartUnixMs { get; private set; }
    /// <summary>Heights that arrived out of order (the chain grain's recent list was overrun); should stay 0.</summary>
    public int Gaps { get; private set; }
    public long Head => Interlocked.Read(ref _after);

    public async Task StartAsync()
    {
        _after = (await _chain.GetInfoAsync()).HeadHeight;
        StartTicks = Stopwatch.GetTimestamp();
        StartUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _loop = Task.Run(LoopAsync);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
    }

    public IDisposable Subscribe(Action<BlockCommitted, long> onBlock)
    {
        lock (_gate) _subscribers.Add(onBlock);
        return new Subscription(this, onBlock);
    }

    /// <summary>The blocks whose arrival fell in [from, to] (Stopwatch ticks).</summary>
    public IReadOnlyList<SeenBlock> BlocksBetween(long fromTicks, long toTicks)
    {
        lock (_gate) return _blocks.Where(b => b.ObservedTicks >= fromTicks && b.ObservedTicks <= toTicks).ToList();
    }

    /// <summary>Milliseconds from a block's header timestamp (the producer starting it) to its arrival here.</summary>
    public double SealToSeenMs(SeenBlock b) =>
        (b.ObservedTicks - StartTicks) * 1000.0 / Stopwatch.Frequency - (b.TimestampMs - StartUnixMs);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            IReadOnlyList<BlockCommitted> got;
            try { got = await _chain.WaitForBlocksAsync(_after, TimeSpan.FromSeconds(1)); }
            catch (Exception) when (_stop.IsCancellationRequested) { break; }
            var now = Stopwatch.GetTimestamp();
            foreach (var b in got.OrderBy(b => b.Height))
            {
                if (b.Height <= _after) continue;
                if (b.Height != _after + 1) Gaps++;
                Interlocked.Exchange(ref _after, b.Height);
                Action<BlockCommitted, long>[] subs;
                lock (_gate)
                {
                    _blocks.Add(new SeenBlock(b.Height, b.Included.Count, b.Excluded.Count, b.TimestampMs, now));
                    subs = [.. _subscribers];
                }
                foreach (var s in subs) s(b, now);
            }
        }
    }

    private sealed class Subscription(ChainWatcher owner, Action<BlockCommitted, long> action) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._subscribers.Remove(action);
        }
    }
}
