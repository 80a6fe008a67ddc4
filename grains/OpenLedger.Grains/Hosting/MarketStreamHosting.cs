using Orleans.Providers;

namespace OpenLedger.Grains.Hosting;

/// <summary>Registers the "market" stream provider (<see cref="MarketStreams"/>) on a silo. Here, not beside
/// <see cref="MarketStreams"/>, because it needs Orleans' memory grain storage, which the grain interfaces (and so the
/// GraphQL gateway) do without; an Orleans client's side is <see cref="MarketStreamClientHosting"/>.</summary>
public static class MarketStreamHosting
{
    /// <summary>The grain storage the memory provider's pub/sub keeps subscriptions in (the name is fixed by Orleans).</summary>
    public const string PubSubStorageName = "PubSubStore";

    public static ISiloBuilder AddOpenLedgerStreams(this ISiloBuilder silo)
    {
        silo.AddMemoryStreams<DefaultMemoryMessageBodySerializer>(MarketStreams.ProviderName);
        // Explicit subscriptions are kept in "PubSubStore". In memory is enough: the subscribers of these streams are
        // GraphQL gateways and grains that re-make their subscriptions when they (re)connect or activate, implicit
        // subscriptions are not stored at all, and an event missed while a subscription was lost is recoverable from
        // chain state. A durable store would only keep subscriptions of gateways that are gone.
        silo.AddMemoryGrainStorage(PubSubStorageName);
        return silo;
    }
}
