using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>Takes each committed block's marketplace events from the producer (a one-way call: the producer never
/// waits for streams) and publishes them to the "market" streams. One activation, not reentrant, so blocks go out
/// in order. Only streams someone listens to get them (<see cref="MarketStreamAudience"/>): a contributor who does not
/// follow their rewards costs the node nothing per credit.</summary>
public sealed class MarketRelayGrain(ILogger<MarketEventPublisher> logger) : Grain, IMarketRelayGrain
{
    private readonly MarketStreamLinks _links = new();
    private MarketEventPublisher? _publisher;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Which silo relays matters to an operator (and a failover test): its death loses the blocks in flight to it,
        // which subscribers then read from the store (MarketStreamLinks).
        logger.LogInformation("Market relay active on silo {Silo}", RuntimeIdentity);
        return Task.CompletedTask;
    }

    private MarketEventPublisher Publisher => _publisher ??=
        new MarketEventPublisher(this.GetStreamProvider(MarketStreams.ProviderName), logger, MarketStreamAudience.Of(ServiceProvider), _links);

    public async Task PublishAsync(IReadOnlyList<MarketEventMessage> events)
    {
        _links.Reset(); // not a block from the producer: its place in the run of blocks is unknown
        await Publisher.PublishAsync(events);
    }

    public async Task PublishBlockAsync(long height, long timestampMs, Immutable<IReadOnlyList<MarketEvent>> events, long previousHeight = MarketEventMessage.UnknownPrevious)
    {
        _links.BeginBlock(height, previousHeight);
        await Publisher.PublishAsync(MarketEventMessages.OfBlock(height, timestampMs, events.Value));
    }
}
