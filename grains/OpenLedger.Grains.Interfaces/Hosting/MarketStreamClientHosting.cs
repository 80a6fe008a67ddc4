using Orleans.Providers;

namespace OpenLedger.Grains.Hosting;

/// <summary>Registers the "market" stream provider (<see cref="MarketStreams"/>) on an Orleans client (the standalone
/// GraphQL gateway), whose subscriptions live in the silos' pub/sub. Beside the stream names rather than with the silo's
/// side (MarketStreamHosting, in OpenLedger.Grains) so a gateway needs only the grain interfaces.</summary>
public static class MarketStreamClientHosting
{
    public static IClientBuilder AddOpenLedgerStreams(this IClientBuilder client) =>
        client.AddMemoryStreams<DefaultMemoryMessageBodySerializer>(MarketStreams.ProviderName);
}
