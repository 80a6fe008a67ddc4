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
    private MarketEventPublisher? _publisher;

    public async Task PublishAsync(IReadOnlyList<MarketEventMessage> events)
    {
        _publisher ??= new MarketEventPublisher(this.GetStreamProvider(MarketStreams.ProviderName), logger, MarketStreamAudience.Of(ServiceProvider));
        await _publisher.PublishAsync(events);
    }

    public Task PublishBlockAsync(long height, long timestampMs, Immutable<IReadOnlyList<MarketEvent>> events) =>
        PublishAsync(MarketEventMessages.OfBlock(height, timestampMs, events.Value));
}
