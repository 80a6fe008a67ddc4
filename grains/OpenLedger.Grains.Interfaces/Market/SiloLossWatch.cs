using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenLedger.Grains.Market;

/// <summary>Tells a process's stream subscribers when a silo has left the cluster: what that silo held of the
/// "market" streams (queued messages, the pulling agent's cache, the pub/sub's record of who subscribes, the relay)
/// is gone, and each subscriber subscribes again and reads what it missed from the store. Polls the cluster's
/// membership through the management grain (<see cref="Interval"/>, one small call per process, in a silo and in an
/// Orleans client alike), and only while someone is registered. A poll that fails (the cluster is answering from a
/// silo that just died) counts as a loss when the next one succeeds: resubscribing when nothing was lost is harmless.</summary>
public sealed partial class SiloLossWatch(IClusterClient client, ILogger<SiloLossWatch>? logger = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger<SiloLossWatch>.Instance;
    private readonly Lock _gate = new();
    private readonly List<Func<Task>> _handlers = [];
    private CancellationTokenSource? _running;
    private Task _loop = Task.CompletedTask;

    /// <summary>How often the membership is read.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one read may take before it counts as failed.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Losses seen so far (for tests and logs).</summary>
    public int Losses { get; private set; }

    /// <summary>Calls <paramref name="onLoss"/> after each loss until the result is disposed.</summary>
    public IDisposable Register(Func<Task> onLoss)
    {
        lock (_gate)
        {
            _handlers.Add(onLoss);
            if (_running is null)
            {
                _running = new CancellationTokenSource();
                _loop = RunAsync(_running.Token);
            }
        }
        return new Registration(this, onLoss);
    }

    private void Unregister(Func<Task> onLoss)
    {
        CancellationTokenSource? stop = null;
        lock (_gate)
        {
            _handlers.Remove(onLoss);
            if (_handlers.Count == 0 && _running is not null) (stop, _running) = (_running, null);
        }
        stop?.Cancel();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        HashSet<SiloAddress>? known = null;
        var failed = false;
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(Interval, ct); }
            catch (OperationCanceledException) { return; }
            HashSet<SiloAddress> now;
            try
            {
                var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(CallTimeout, ct);
                now = [.. hosts.Keys];
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                if (!failed) LogPollFailed(e);
                failed = true;
                continue;
            }
            var lost = failed || (known is not null && known.Any(s => !now.Contains(s)));
            failed = false;
            known = now;
            if (!lost) continue;
            Losses++;
            LogLoss(now.Count);
            Func<Task>[] handlers;
            lock (_gate) handlers = [.. _handlers];
            await Task.WhenAll(handlers.Select(async h =>
            {
                try { await h(); }
                catch (Exception e) { LogHandlerFailed(e); }
            }));
        }
    }

    public async ValueTask DisposeAsync()
    {
        CancellationTokenSource? stop;
        lock (_gate)
        {
            _handlers.Clear();
            (stop, _running) = (_running, null);
        }
        if (stop is null) return;
        stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
        stop.Dispose();
    }

    private sealed class Registration(SiloLossWatch owner, Func<Task> onLoss) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) owner.Unregister(onLoss); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A silo left the cluster ({Active} active now): stream subscribers subscribe again and read what they missed from the store")]
    private partial void LogLoss(int active);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the cluster's membership failed; the next successful read counts as a loss")]
    private partial void LogPollFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stream subscriber failed to recover after a silo left")]
    private partial void LogHandlerFailed(Exception e);
}
