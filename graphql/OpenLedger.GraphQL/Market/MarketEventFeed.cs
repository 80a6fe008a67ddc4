using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>One GraphQL subscription's view of a "market" stream, through the process's shared
/// <see cref="MarketEventSubscriptions"/> (one Orleans subscription per stream however many GraphQL subscriptions
/// listen to it). The listener is active before the subscription is returned, so every event committed after the
/// client subscribed is delivered; events that arrive before the executor attaches its observer are held and
/// delivered first. Disposing the observer's subscription (the GraphQL operation completed, or its connection
/// closed) removes the listener.</summary>
public sealed class MarketEventFeed : IObservable<MarketEventMessage>
{
    /// <summary>Events held for an observer that has not attached yet (beyond this the oldest are dropped).</summary>
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

    private MarketEventFeed(Func<MarketEventMessage, bool> filter) => _filter = filter;

    /// <summary>Listens to <paramref name="stream"/> (waiting until the Orleans subscription is active) and returns
    /// the feed of the events that pass <paramref name="filter"/>. If <paramref name="ct"/> (the operation's) is
    /// cancelled before an observer attaches, the feed lets go of its listener then: the client left while the
    /// operation was still being set up.</summary>
    public static async Task<MarketEventFeed> OpenAsync(MarketEventSubscriptions subscriptions, StreamId stream,
        Func<MarketEventMessage, bool> filter, CancellationToken ct)
    {
        var feed = new MarketEventFeed(filter);
        feed._listener = await subscriptions.SubscribeAsync(stream, feed.OnEventAsync, ct);
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

    private Task OnEventAsync(MarketEventMessage e)
    {
        if (!_filter(e)) return Task.CompletedTask;
        lock (_gate)
        {
            if (_closed) return Task.CompletedTask;
            if (_observer is null)
            {
                if (_early.Count == MaxEarly) _early.Dequeue();
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
