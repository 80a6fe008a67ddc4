using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>Publishes committed marketplace events to every "market" stream each belongs to (see <see cref="Routes"/>).
/// Never throws for a stream failure: it logs and goes on, because the ledger, not the stream, is the source of truth.</summary>
/// <remarks>Inside a grain, build it on <c>this.GetStreamProvider(MarketStreams.ProviderName)</c>; elsewhere use
/// <see cref="Create"/>. With the memory provider a publish only enqueues into a queue grain: subscribers are called
/// later by the pulling agent, so a slow or failing subscriber never reaches the publisher.</remarks>
public sealed partial class MarketEventPublisher(IStreamProvider streams, ILogger<MarketEventPublisher>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<MarketEventPublisher>.Instance;

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
        var routes = new List<StreamId>(2);
        if (e.Kind == MarketEventKinds.RewardCredited)
        {
            if (!string.IsNullOrEmpty(e.Party)) routes.Add(MarketStreams.RewardsStream(e.Party));
            return routes;
        }
        if (!string.IsNullOrEmpty(e.Datanet)) routes.Add(MarketStreams.DatanetStream(e.Datanet));
        if (!string.IsNullOrEmpty(e.Party)) routes.Add(MarketStreams.RewardsStream(e.Party));
        return routes;
    }

    /// <summary>Publishes the events, in order within each stream: batches of at most MaxBatch per stream (each one queue message for the
    /// memory provider). Streams are published concurrently. Returns how many streams could not be published to
    /// (each failure is logged); 0 when all went out. Events with a malformed id are logged and skipped.</summary>
    public async Task<int> PublishAsync(IReadOnlyList<MarketEventMessage> events)
    {
        if (events.Count == 0) return 0;
        var byStream = new Dictionary<StreamId, List<MarketEventMessage>>();
        var order = new List<StreamId>();
        foreach (var e in events)
        {
            IReadOnlyList<StreamId> routes;
            try { routes = Routes(e); }
            catch (ArgumentException ex)
            {
                LogBadEvent(ex, e.Kind, e.Height, e.Sequence);
                continue;
            }
            foreach (var id in routes)
            {
                if (!byStream.TryGetValue(id, out var list))
                {
                    byStream[id] = list = [];
                    order.Add(id);
                }
                list.Add(e);
            }
        }

        var results = await Task.WhenAll(order.Select(id => PublishStreamAsync(id, byStream[id])));
        return results.Count(ok => !ok);
    }

    /// <summary>A batch is one queue message of the memory provider, whose cache blocks are 1 MB: a block's worth of
    /// events for one busy stream (thousands of contributions to one datanet) must go in several.</summary>
    public const int MaxBatch = 256;

    private async Task<bool> PublishStreamAsync(StreamId id, List<MarketEventMessage> batch)
    {
        try
        {
            var stream = streams.GetStream<MarketEventMessage>(id);
            for (int start = 0; start < batch.Count; start += MaxBatch)
                await stream.OnNextBatchAsync(batch.GetRange(start, Math.Min(MaxBatch, batch.Count - start)));
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
