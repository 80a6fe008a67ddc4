using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Storage;

namespace OpenLedger.Grains.Hosting;

/// <summary>Adds the ledger to a silo: the shared <see cref="LedgerNode"/>, the node's content store for the silo's own
/// services (<see cref="INodeContent"/>), the "ledger" grain storage, the "market" streams (<see cref="MarketStreams"/>),
/// a start-up task that activates the block producer, and the keepalive that re-activates it after its silo dies
/// (<see cref="ProducerKeepAlive"/>). The same call serves the node and the test cluster.</summary>
public static class LedgerSiloBuilderExtensions
{
    public const string StorageName = "ledger";

    public static ISiloBuilder AddOpenLedger(this ISiloBuilder silo, LedgerNode node, StorageBackend backend, string connectionString)
    {
        silo.Services.AddSingleton(node);
        silo.Services.AddSingleton<INodeContent>(new NodeContent(node));
        silo.AddOpenLedgerGrainStorage(StorageName, backend, connectionString);
        silo.AddOpenLedgerStreams();
        silo.AddStartupTask(async (services, _) =>
            await services.GetRequiredService<IGrainFactory>().GetGrain<IBlockProducerGrain>(0).StartAsync());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ProducerKeepAlive>();
        return silo;
    }
}
