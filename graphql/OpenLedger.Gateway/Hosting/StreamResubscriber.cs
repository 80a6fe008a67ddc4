using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Grains.Market;

namespace OpenLedger.Gateway.Hosting;

/// <summary>In a separate GraphQL gateway process: when the Orleans client regains a silo after losing them all, the cluster
/// it reaches may have restarted and forgotten the stream subscriptions (the pub/sub store is in memory), so every
/// GraphQL subscription's stream is subscribed again. Repeats are harmless: subscribers drop events they have seen.</summary>
public sealed class StreamResubscriber(IServiceProvider services) : IClusterConnectionStatusObserver
{
    public void NotifyClusterConnectionLost() { }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (!connectionRecovered && !(previousNumberOfGateways == 0 && currentNumberOfGateways > 0)) return;
        if (services.GetService<MarketEventSubscriptions>() is { } subscriptions) _ = subscriptions.ResubscribeAllAsync();
    }
}
