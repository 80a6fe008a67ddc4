using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>Publishes committed marketplace events to every "market" stream each belongs to (see <see cref="Routes"/>).
/// Never throws for a stream failure: it logs and goes on, because the ledger, not the stream, is the source of truth.</summary>
/// <remarks>Inside a grain, build it on <c>this.GetStreamProvider(MarketStreams.ProviderName)</c>; elsewhere use
/// <see cref="Create"/>. With the memory provider a publish only enqueues into a queue grain: subscribers are called
/// later by the pulling agent, so a slow or failing subscriber never reaches the publisher.
/// Given an <see cref="MarketStreamAudience"/> (the relay does), it publishes only to streams someone listens to.</remarks>
/// Given <see cref="MarketStreamLinks"/> (the relay's), each message names its predecessor on its stream.
public sealed partial class MarketEventPublisher(IStreamProvider streams, ILogger<MarketEventPublisher>? logger = null, MarketStreamAudience? audience = null,
    MarketStreamLinks? links = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<MarketEventPublisher>.Instance;

    /// <summary>Streams left out so far because nobody listened to them (each counted once per PublishAsync).</summary>
    public long StreamsSkipped { get; private set; }

    public static MarketEventPublisher Create(IClusterClient client, ILogger<MarketEventPublisher>? logger = null) =>
        new(client.GetStreamProvider(MarketStreams.ProviderName), logger);

    /// <summary>The streams an event goes to: only those a subscription reads (see <see cref="MarketStreams"/>). A reward
    /// credit goes only to its payee's rewards stream: a settlement credits a hundred contributors, and copying each
    /// credit onto the datanet's stream would multiply the stream traffic for a feed that wants the settlement, not each
    /// share (the InferenceSettled event carries the whole escrow). Every other event goes to its datanet's stream when
    /// it names one, and to its Party's rewards stream, which is the account's own feed (its contribution approved, its
    /// inference settled); a subscriber that wants credits only filters on Kind. A model's or an inference's events
    /// have no stream: nothing subscribes to one (the GraphQL <c>inference(id)</c> subscription follows the block feed,
    /// and a model's history is the <c>marketEvents(model)</c> query).</summary>
    public static IReadOnlyList<StreamId> Routes(MarketEventMessage e)
    {
        var (first, second) = new Router().Of(e);
        return first is not { } a ? [] : second is not { } b ? [a] : [a, b];
    }

    /// <summary><see cref="Routes"/> with each stream id made once per publish: a block's events name the same few
    /// datanets and payees over and over, and a stream id checks, lower-cases and encodes its key.</summary>
    private sealed class Router
    {
        private readonly Dictionary<string, StreamId> _rewards = [], _datanets = [];

        public (StreamId? First, StreamId? Second) Of(MarketEventMessage e)
        {
            StreamId? party = string.IsNullOrEmpty(e.Party) ? null : Stream(_rewards, e.Party, MarketStreams.RewardsStream);
            if (e.Kind == MarketEventKinds.RewardCredited) return (party, null);
            StreamId? datanet = string.IsNullOrEmpty(e.Datanet) ? null : Stream(_datanets, e.Datanet, MarketStreams.DatanetStream);
            return datanet is null ? (party, null) : (datanet, party);
        }

        private static StreamId Stream(Dictionary<string, StreamId> made, string key, Func<string, StreamId> make)
        {
            if (!made.TryGetValue(key, out var id)) made[key] = id = make(key); // a malformed key throws, and is not kept
            return id;
        }
    }

    /// <summary>Publishes the events, in order within each stream: batches of at most MaxBatch per stream (each one queue message for the
    /// memory provider). Streams are published concurrently. Returns how many streams could not be published to
    /// (each failure is logged); 0 when all went out. Events with a malformed id are logged and skipped.</summary>
    public async Task<int> PublishAsync(IReadOnlyList<MarketEventMessage> events)
    {
        if (events.Count == 0) return 0;
        var byStream = new Dictionary<StreamId, List<MarketEventMessage>>();
        var order = new List<StreamId>();
        var router = new Router();
        foreach (var e in events)
        {
            (StreamId? First, StreamId? Second) routes;
            try { routes = router.Of(e); }
            catch (ArgumentException ex)
            {
                LogBadEvent(ex, e.Kind, e.Height, e.Sequence);
                continue;
            }
            if (routes.First is { } first) Add(first, e);
            if (routes.Second is { } second) Add(second, e);
        }

        void Add(StreamId id, MarketEventMessage e)
        {
            if (!byStream.TryGetValue(id, out var list))
            {
                byStream[id] = list = [];
                order.Add(id);
            }
            list.Add(e);
        }

        var listened = audience is null ? null : await Task.WhenAll(order.Select(audience.HasListenersAsync));
        var kept = new List<StreamId>(order.Count);
        var batches = new List<IReadOnlyList<MarketEventMessage>>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            var publish = listened is null || listened[i];
            // Every routed stream's link moves on, listened to or not: a subscriber that was gone while its stream was
            // skipped sees the skipped events' place in the next message's link, and reads them from the store.
            IReadOnlyList<MarketEventMessage> batch = links is null ? byStream[order[i]] : links.Link(order[i], byStream[order[i]], publish);
            if (!publish) continue;
            kept.Add(order[i]);
            batches.Add(batch);
        }
        StreamsSkipped += order.Count - kept.Count;
        var results = await Task.WhenAll(kept.Select((id, i) => PublishStreamAsync(id, batches[i])));
        return results.Count(ok => !ok);
    }

    /// <summary>A batch is one queue message of the memory provider, whose cache blocks are 1 MB: a block's worth of
    /// events for one busy stream (thousands of contributions to one datanet) must go in several.</summary>
    public const int MaxBatch = 256;

    private async Task<bool> PublishStreamAsync(StreamId id, IReadOnlyList<MarketEventMessage> batch)
    {
        try
        {
            var stream = streams.GetStream<MarketEventMessage>(id);
            if (batch.Count <= MaxBatch) await stream.OnNextBatchAsync(batch);
            else
                for (int start = 0; start < batch.Count; start += MaxBatch)
                    await stream.OnNextBatchAsync(batch.Skip(start).Take(MaxBatch).ToList());
            return true;
        }
        catch (Exception e)
        {
            LogPublishFailed(e, id, batch.Count, batch[0].Height);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market stream {Stream}: could not publish {Count} event(s) of block {Height}; subscribers recover from chain state")]
    private partial void LogPublishFailed(Exception e, StreamId stream, int count, long height);

    [LoggerMessage(Level = LogLevel.Error, Message = "Market event {Kind} at ({Height}, {Sequence}) has a malformed id and was not published")]
    private partial void LogBadEvent(Exception e, string kind, long height, int sequence);
}
