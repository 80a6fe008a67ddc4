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
/// </remarks>
public sealed partial class MarketEventSubscriptions(IClusterClient client, ILogger<MarketEventSubscriptions>? logger = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger<MarketEventSubscriptions>.Instance;
    private readonly object _gate = new();
    private readonly Dictionary<StreamId, Topic> _topics = [];
    private IStreamProvider? _provider;
    private bool _disposed;

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

    /// <summary>Makes every stream's Orleans subscription again. Call it when the process has reconnected to a cluster
    /// that may have lost its subscriptions (the pub/sub store is in memory: a restarted cluster forgets them).</summary>
    public async Task ResubscribeAllAsync()
    {
        Topic[] topics;
        lock (_gate) topics = [.. _topics.Values];
        await Task.WhenAll(topics.Select(t => t.ResubscribeAsync()));
    }

    /// <summary>Removes every listener and Orleans subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        Topic[] topics;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
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
        private readonly Lock _dedupe = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private StreamSubscriptionHandle<MarketEventMessage>? _handle;
        private (long Height, int Sequence) _last = (long.MinValue, int.MinValue);

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

        public async Task ResubscribeAsync()
        {
            await _life.WaitAsync();
            try
            {
                if (Closed) return;
                if (_handle is { } h)
                {
                    _handle = null;
                    try { await h.UnsubscribeAsync(); }
                    catch (Exception e) { owner.LogUnsubscribeFailed(e, Id); } // the cluster may have forgotten it already
                }
                await SubscribeUntilDoneAsync();
            }
            finally { _life.Release(); }
        }

        private async Task SubscribeUntilDoneAsync()
        {
            while (!Closed && _handle is null)
            {
                try
                {
                    _handle = await owner.Provider.GetStream<MarketEventMessage>(Id).SubscribeAsync(this);
                }
                catch (Exception e)
                {
                    owner.LogSubscribeFailed(e, Id);
                    await Task.Delay(owner.RetryDelay);
                }
            }
        }

        public async Task OnNextAsync(MarketEventMessage item, StreamSequenceToken? token = null)
        {
            lock (_dedupe)
            {
                var key = (item.Height, item.Sequence);
                if (key.CompareTo(_last) <= 0) return; // a repeat
                _last = key;
            }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: the stream reported an error")]
    private partial void LogStreamError(Exception e, StreamId stream);
}
