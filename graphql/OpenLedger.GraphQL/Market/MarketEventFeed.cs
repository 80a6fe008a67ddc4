using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>One GraphQL subscription's view of a "market" stream, through the process's shared
/// <see cref="MarketEventSubscriptions"/> (one Orleans subscription per stream however many GraphQL subscriptions
/// listen to it). The listener is active before the subscription is returned, so every event committed after the
/// client subscribed is delivered; events that arrive before the executor attaches its observer are held and
/// delivered first. Disposing the observer's subscription (the GraphQL operation completed, or its connection
/// closed) removes the listener. With a history (a replay from a height), the history's events come first, then the
/// live events after the last of them: the listener was active before the history was read, so nothing falls between.</summary>
public sealed class MarketEventFeed : IObservable<MarketEventMessage>
{
    /// <summary>Live events held for an observer that has not attached yet, beside a replay (beyond this the oldest are dropped).</summary>
    private const int MaxEarly = 1024;

    /// <summary>A feed nobody observes within this time (the operation was abandoned) lets go of its listener.</summary>
    private static readonly TimeSpan OrphanTimeout = TimeSpan.FromSeconds(30);

    private readonly Func<MarketEventMessage, bool> _filter;
    private readonly object _gate = new();
    private readonly Queue<MarketEventMessage> _early = new();
    private IObserver<MarketEventMessage>? _observer;
    private IAsyncDisposable? _listener;
    private CancellationTokenRegistration _cancelled;
    private bool _closed;
    private (long Height, int Sequence)? _after; // the last replayed event, if any (guarded by _gate)

    private MarketEventFeed(Func<MarketEventMessage, bool> filter) => _filter = filter;

    /// <summary>Listens to <paramref name="stream"/> (waiting until the Orleans subscription is active) and returns
    /// the feed of the events that pass <paramref name="filter"/>. If <paramref name="ct"/> (the operation's) is
    /// cancelled before an observer attaches, the feed lets go of its listener then: the client left while the
    /// operation was still being set up. <paramref name="history"/>, if given, is read once the listener is active and
    /// its events (oldest first, already committed) are delivered before the live ones.</summary>
    public static async Task<MarketEventFeed> OpenAsync(MarketEventSubscriptions subscriptions, StreamId stream,
        Func<MarketEventMessage, bool> filter, CancellationToken ct,
        Func<CancellationToken, Task<IReadOnlyList<MarketEventMessage>>>? history = null)
    {
        var feed = new MarketEventFeed(filter);
        feed._listener = await subscriptions.SubscribeAsync(stream, feed.OnEventAsync, ct);
        if (history is not null)
        {
            try
            {
                feed.Prepend(await history(ct));
            }
            catch
            {
                await feed.CloseAsync();
                throw;
            }
        }
        var registration = ct.Register(static f => _ = ((MarketEventFeed)f!).CloseIfOrphanedAsync(), feed);
        lock (feed._gate)
        {
            if (feed._closed) registration.Dispose(); // closed by the registration itself (already cancelled)
            else feed._cancelled = registration;
        }
        _ = Task.Delay(OrphanTimeout, CancellationToken.None).ContinueWith(_ => feed.CloseIfOrphanedAsync(), TaskScheduler.Default).Unwrap();
        return feed;
    }

    public IDisposable Subscribe(IObserver<MarketEventMessage> observer)
    {
        lock (_gate)
        {
            if (_observer is not null) throw new InvalidOperationException("a market event feed serves one observer");
            if (_closed)
            {
                observer.OnCompleted();
                return new Disposer(() => { });
            }
            _observer = observer;
            while (_early.TryDequeue(out var e)) observer.OnNext(e);
        }
        return new Disposer(() => _ = CloseAsync());
    }

    /// <summary>Puts the replayed events before the live ones held so far, and drops held live events that the replay
    /// already covers (committed at or before its last event). No observer can be attached yet: the feed is not returned.</summary>
    private void Prepend(IReadOnlyList<MarketEventMessage> past)
    {
        lock (_gate)
        {
            var live = _early.ToArray();
            _early.Clear();
            foreach (var e in past)
                if (_filter(e)) _early.Enqueue(e);
            if (past.Count > 0) _after = (past[^1].Height, past[^1].Sequence);
            foreach (var e in live)
                if (IsNew(e)) _early.Enqueue(e);
        }
    }

    /// <summary>After a replay, a live event the replay covered (the stream delivers it once more) is not new.</summary>
    private bool IsNew(MarketEventMessage e) => _after is not { } a || e.Height > a.Height || (e.Height == a.Height && e.Sequence > a.Sequence);

    private Task OnEventAsync(MarketEventMessage e)
    {
        if (!_filter(e)) return Task.CompletedTask;
        lock (_gate)
        {
            if (_closed || !IsNew(e)) return Task.CompletedTask;
            if (_observer is null)
            {
                if (_early.Count >= MaxEarly + MarketEventReplay.MaxEvents) _early.Dequeue();
                _early.Enqueue(e);
            }
            else _observer.OnNext(e);
        }
        return Task.CompletedTask;
    }

    private async Task CloseIfOrphanedAsync()
    {
        lock (_gate) if (_observer is not null) return;
        await CloseAsync();
    }

    private async Task CloseAsync()
    {
        IAsyncDisposable? listener;
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _early.Clear();
            listener = _listener;
            _listener = null;
            registration = _cancelled;
            _cancelled = default;
        }
        // Unregister, not Dispose: Dispose would wait for a running callback, which may be this very call.
        registration.Unregister();
        if (listener is not null) await listener.DisposeAsync();
    }

    private sealed class Disposer(Action dispose) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) dispose(); }
    }
}
