using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>Fans "market" stream events out to many local listeners in one process (the GraphQL gateway): however many
/// listeners a stream has here, the process holds ONE Orleans subscription to it, made with the first listener and
/// removed with the last. Works in a silo process (the silo's <see cref="IClusterClient"/>) and in an Orleans client
/// process alike. Thread-safe. Not for use inside grains: a grain subscribes to its stream itself.</summary>
/// <remarks>
/// Each event is handed to all listeners of its stream concurrently, and the next event of that stream only after
/// every listener's task has finished: a listener sees its stream in order, and should hand the event off quickly
/// (e.g. push it into its connection's queue). A listener that throws is logged and keeps its place.
/// Streams may repeat a message (a retried delivery, a republished block): an event whose (Height, Sequence) is not
/// after the last one delivered on its stream is dropped here, so listeners see each event once.
/// Streams may also lose messages and subscriptions when a silo dies. Given <see cref="MarketStreamGaps"/>, a datanet's
/// or an account's stream recovers from the store: a message whose link (<see cref="MarketEventMessage.PreviousHeight"/>)
/// is not the last event delivered first brings the missed events from the store, in order; and given a
/// <see cref="SiloLossWatch"/>, every stream is subscribed again after a silo leaves and reads what it missed. Without
/// them (the tests' bare stream cluster) a stream is delivered as it comes.
/// </remarks>
public sealed partial class MarketEventSubscriptions(IClusterClient client, ILogger<MarketEventSubscriptions>? logger = null,
    MarketStreamGaps? gaps = null, SiloLossWatch? losses = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger<MarketEventSubscriptions>.Instance;
    private readonly object _gate = new();
    private readonly Dictionary<StreamId, Topic> _topics = [];
    private IStreamProvider? _provider;
    private readonly MarketStreamGaps? _gaps = gaps;
    private IDisposable? _lossRegistration;
    private bool _disposed;

    /// <summary>Events read from the store to fill gaps so far (each one a message the stream lost or skipped).</summary>
    public long EventsRecovered => Interlocked.Read(ref _recovered);
    private long _recovered;

    /// <summary>How long to wait between attempts when Orleans refuses a subscription (the cluster is restarting).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Adds a listener to a stream and returns at once; the Orleans subscription (if this is the stream's
    /// first listener here) is made in the background, so events published in the next moments may be missed. Use
    /// <see cref="SubscribeAsync"/> to wait until it is active. Dispose the result to remove the listener.</summary>
    public IAsyncDisposable Subscribe(StreamId stream, Func<MarketEventMessage, Task> onEvent) => Add(stream, onEvent);

    /// <summary>Adds a listener and completes once the stream's Orleans subscription is active: every event published
    /// after this returns reaches the listener.</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(StreamId stream, Func<MarketEventMessage, Task> onEvent, CancellationToken ct = default)
    {
        var listener = Add(stream, onEvent);
        try
        {
            await listener.Topic.Ready.WaitAsync(ct);
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
        return listener;
    }

    /// <summary>Streams with at least one local listener (each holds one Orleans subscription).</summary>
    public int StreamCount { get { lock (_gate) return _topics.Count; } }

    public int ListenerCount(StreamId stream)
    {
        lock (_gate) return _topics.TryGetValue(stream, out var t) ? t.Listeners.Length : 0;
    }

    /// <summary>Makes every stream's Orleans subscription again, then (with <paramref name="recover"/>, and
    /// <see cref="MarketStreamGaps"/>) reads from the store what each stream missed meanwhile. Call it when the process
    /// has reconnected to a cluster that may have lost its subscriptions (the pub/sub store is in memory: a restarted
    /// cluster forgets them); a silo's loss calls it by itself (<see cref="SiloLossWatch"/>). Without
    /// <paramref name="recover"/>, a gap shows at the next message instead, by its link.</summary>
    public async Task ResubscribeAllAsync(bool recover = true)
    {
        Topic[] topics;
        lock (_gate) topics = [.. _topics.Values];
        await Task.WhenAll(topics.Select(t => t.ResubscribeAsync(recover)));
    }

    /// <summary>A silo left: subscribe every stream again, then read from the store what each missed.</summary>
    private async Task RecoverAllAsync()
    {
        Topic[] topics;
        lock (_gate) topics = [.. _topics.Values];
        await Task.WhenAll(topics.Select(t => t.RecoverAsync()));
    }

    /// <summary>After a silo's loss, each stream also reads the store every <see cref="CatchUpInterval"/> for this long:
    /// a subscription made while the cluster was still settling may be accepted and yet not be served for a while (the
    /// stream's pulling agent retrying a consumer that died with the silo), and the store does not wait for it.</summary>
    public TimeSpan CatchUpWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a stream reads the store while it catches up (after a loss, or while it cannot subscribe).</summary>
    public TimeSpan CatchUpInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A stream that cannot subscribe for this long lets its listeners start anyway, and reads the store every
    /// <see cref="CatchUpInterval"/> until its subscription is made: what the stream cannot bring, the store does.</summary>
    public TimeSpan ReadyWithin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Removes every listener and Orleans subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        Topic[] topics;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _lossRegistration?.Dispose();
            _lossRegistration = null;
            topics = [.. _topics.Values];
            _topics.Clear();
            foreach (var t in topics) t.Closed = true;
        }
        await Task.WhenAll(topics.Select(t => t.StopAsync()));
    }

    private Listener Add(StreamId stream, Func<MarketEventMessage, Task> onEvent)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        Topic topic;
        Listener listener;
        var created = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_topics.TryGetValue(stream, out topic!))
            {
                _topics[stream] = topic = new Topic(this, stream);
                created = true;
            }
            listener = new Listener(this, topic, onEvent);
            topic.Listeners = [.. topic.Listeners, listener];
            if (losses is not null && _lossRegistration is null) _lossRegistration = losses.Register(RecoverAllAsync);
        }
        if (created) _ = topic.StartAsync();
        return listener;
    }

    private async ValueTask RemoveAsync(Listener listener)
    {
        var topic = listener.Topic;
        lock (_gate)
        {
            if (listener.Removed) return;
            listener.Removed = true;
            topic.Listeners = topic.Listeners.Where(l => !ReferenceEquals(l, listener)).ToArray();
            if (topic.Listeners.Length > 0 || topic.Closed) return;
            topic.Closed = true;
            if (_topics.TryGetValue(topic.Id, out var current) && ReferenceEquals(current, topic)) _topics.Remove(topic.Id);
        }
        await topic.StopAsync();
    }

    private IStreamProvider Provider => _provider ??= client.GetStreamProvider(MarketStreams.ProviderName);

    private sealed class Listener(MarketEventSubscriptions owner, Topic topic, Func<MarketEventMessage, Task> onEvent) : IAsyncDisposable
    {
        public Topic Topic { get; } = topic;
        public Func<MarketEventMessage, Task> OnEvent { get; } = onEvent;
        public bool Removed; // guarded by owner._gate
        public ValueTask DisposeAsync() => owner.RemoveAsync(this);
    }

    /// <summary>One stream with local listeners: the Orleans observer of its single subscription.</summary>
    private sealed class Topic(MarketEventSubscriptions owner, StreamId id) : IAsyncObserver<MarketEventMessage>
    {
        private readonly SemaphoreSlim _life = new(1, 1); // orders subscribe, resubscribe and unsubscribe
        private readonly SemaphoreSlim _deliver = new(1, 1); // orders deliveries: the stream's and the store's
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private StreamSubscriptionHandle<MarketEventMessage>? _handle;
        private (long Height, int Sequence) _last = (long.MinValue, int.MinValue); // guarded by _deliver
        private volatile bool _linked; // _last is a place on the chain the store can fill from (guarded by _deliver)

        /// <summary>How long one subscribe or unsubscribe may take: a call to a silo that died unannounced waits for the
        /// membership to declare it dead; after this the topic tries again (a late success only repeats deliveries).</summary>
        private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

        public StreamId Id { get; } = id;
        public volatile Listener[] Listeners = [];
        public volatile bool Closed; // set under owner._gate; once set, the topic never subscribes again

        /// <summary>Completes when the Orleans subscription is first active, or the topic is closed.</summary>
        public Task Ready => _ready.Task;

        public async Task StartAsync()
        {
            await _life.WaitAsync();
            try
            {
                // The place to fill from must be known before listeners start: one found later (after a failed read)
                // would lie past events that neither their history nor the stream gave them.
                while (!Closed && !_linked && owner._gaps is not null && MarketStreamGaps.QueryOf(Id) is not null)
                {
                    await StartFromHeadAsync();
                    if (!_linked) await Task.Delay(owner.RetryDelay);
                }
                await SubscribeUntilDoneAsync();
            }
            finally
            {
                _life.Release();
                _ready.TrySetResult();
            }
        }

        public async Task StopAsync()
        {
            await _life.WaitAsync();
            try
            {
                if (_handle is { } h)
                {
                    _handle = null;
                    try { await h.UnsubscribeAsync(); }
                    catch (Exception e) { owner.LogUnsubscribeFailed(e, Id); }
                }
            }
            finally
            {
                _life.Release();
                _ready.TrySetResult();
            }
        }

        public async Task ResubscribeAsync(bool recover)
        {
            await _life.WaitAsync();
            try
            {
                if (Closed) return;
                if (_handle is { } h)
                {
                    _handle = null;
                    // Bounded: the pub/sub that kept it may be on the silo that just died.
                    try { await h.UnsubscribeAsync().WaitAsync(CallTimeout); }
                    catch (Exception e) { owner.LogUnsubscribeFailed(e, Id); } // the cluster may have forgotten it already
                }
                await SubscribeUntilDoneAsync();
            }
            finally { _life.Release(); }
            // Subscribed again, then the store: what was lost before is read, what comes after arrives on the stream.
            if (recover) await DeliverInOrderAsync(null);
        }

        /// <summary>With a store to fill from, the stream starts after the chain's head as read before subscribing: an
        /// event committed between that read and the subscription is read from the store when the first message
        /// shows its place (or after a loss).</summary>
        private async Task StartFromHeadAsync()
        {
            if (owner._gaps is null || MarketStreamGaps.QueryOf(Id) is null) return;
            try
            {
                var head = await owner._gaps.HeadHeightAsync();
                await _deliver.WaitAsync();
                try
                {
                    if (!_linked) (_last, _linked) = ((head, int.MaxValue), true);
                }
                finally { _deliver.Release(); }
            }
            catch (Exception e) { owner.LogGapReadFailed(e, Id); } // the first delivered event becomes the start
        }

        private async Task SubscribeUntilDoneAsync()
        {
            var started = DateTime.UtcNow;
            while (!Closed && _handle is null)
            {
                try
                {
                    _handle = await owner.Provider.GetStream<MarketEventMessage>(Id).SubscribeAsync(this).WaitAsync(CallTimeout);
                }
                catch (Exception e)
                {
                    owner.LogSubscribeFailed(e, Id);
                    if (owner._gaps is not null && DateTime.UtcNow - started >= owner.ReadyWithin)
                    {
                        // Listeners wait no longer: the store serves them until the stream can.
                        _ready.TrySetResult();
                        CatchUpFor(owner.CatchUpWindow);
                    }
                    await Task.Delay(owner.RetryDelay);
                }
            }
        }

        /// <summary>A silo left: subscribe again, read what was missed, and keep reading the store for a while.</summary>
        public async Task RecoverAsync()
        {
            CatchUpFor(owner.CatchUpWindow);
            await ResubscribeAsync(recover: true);
        }

        private long _catchUpUntil; // UTC ticks
        private int _catchingUp;

        /// <summary>Reads the store every <see cref="CatchUpInterval"/> for <paramref name="window"/> (one loop per
        /// topic; a later call extends it). Only a stream the store answers for, with a known place to read from.</summary>
        private void CatchUpFor(TimeSpan window)
        {
            if (owner._gaps is null || MarketStreamGaps.QueryOf(Id) is null) return;
            var until = (DateTime.UtcNow + window).Ticks;
            long seen;
            do seen = Interlocked.Read(ref _catchUpUntil);
            while (seen < until && Interlocked.CompareExchange(ref _catchUpUntil, until, seen) != seen);
            if (Interlocked.Exchange(ref _catchingUp, 1) == 0) _ = CatchUpLoopAsync();
        }

        private async Task CatchUpLoopAsync()
        {
            while (true)
            {
                while (!Closed && DateTime.UtcNow.Ticks < Interlocked.Read(ref _catchUpUntil))
                {
                    await Task.Delay(owner.CatchUpInterval);
                    if (Closed) break;
                    try
                    {
                        await DeliverInOrderAsync(null);
                    }
                    catch (Exception e) { owner.LogGapReadFailed(e, Id); }
                }
                Volatile.Write(ref _catchingUp, 0);
                // A window extended between the loop's last check and the flag's reset is served by this loop still.
                if (Closed || DateTime.UtcNow.Ticks >= Interlocked.Read(ref _catchUpUntil) || Interlocked.Exchange(ref _catchingUp, 1) != 0) return;
            }
        }

        public Task OnNextAsync(MarketEventMessage item, StreamSequenceToken? token = null) => DeliverInOrderAsync(item);

        /// <summary>Delivers <paramref name="item"/> (null: only what the store says was missed, after a loss) after
        /// every event of the stream before it: when the item's link is not the last event delivered here, or it has
        /// none, the events between are read from the store first. Repeats are dropped.</summary>
        private async Task DeliverInOrderAsync(MarketEventMessage? item)
        {
            await _deliver.WaitAsync();
            try
            {
                if (item is not null && item.Key.CompareTo(_last) <= 0) return; // a repeat
                var linked = item is not null && item.PreviousHeight != MarketEventMessage.UnknownPrevious
                             && (item.PreviousHeight, item.PreviousSequence).CompareTo(_last) <= 0;
                if (_linked && owner._gaps is { } gaps && !linked && !Closed)
                {
                    IReadOnlyList<MarketEventMessage>? missed = null;
                    try { missed = await gaps.ReadAsync(Id, _last, item?.Key); }
                    catch (Exception e) { owner.LogGapReadFailed(e, Id); }
                    foreach (var e in missed ?? [])
                    {
                        if (e.Key.CompareTo(_last) <= 0) continue;
                        _last = e.Key;
                        Interlocked.Increment(ref owner._recovered);
                        await FanOutAsync(e);
                    }
                }
                if (item is null) return;
                _last = item.Key;
                _linked = owner._gaps is not null && MarketStreamGaps.QueryOf(Id) is not null;
                await FanOutAsync(item.WithoutLink());
            }
            finally { _deliver.Release(); }
        }

        private async Task FanOutAsync(MarketEventMessage item)
        {
            var listeners = Listeners;
            if (listeners.Length == 1) await DeliverAsync(listeners[0], item);
            else await Task.WhenAll(listeners.Select(l => DeliverAsync(l, item)));
        }

        private async Task DeliverAsync(Listener listener, MarketEventMessage item)
        {
            if (listener.Removed) return;
            try { await listener.OnEvent(item); }
            catch (Exception e) { owner.LogListenerFailed(e, Id, item.Kind, item.Height, item.Sequence); }
        }

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex)
        {
            owner.LogStreamError(ex, Id);
            return Task.CompletedTask;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: subscribing failed; retrying")]
    private partial void LogSubscribeFailed(Exception e, StreamId stream);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Market stream {Stream}: unsubscribing failed (the subscription may be gone already)")]
    private partial void LogUnsubscribeFailed(Exception e, StreamId stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: a listener failed on {Kind} at ({Height}, {Sequence})")]
    private partial void LogListenerFailed(Exception e, StreamId stream, string kind, long height, int sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: reading missed events from the store failed; delivering what the stream brings")]
    private partial void LogGapReadFailed(Exception e, StreamId stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: the stream reported an error")]
    private partial void LogStreamError(Exception e, StreamId stream);
}
