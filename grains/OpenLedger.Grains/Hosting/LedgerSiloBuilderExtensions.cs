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

    /// <param name="startProducer">False on a silo without the core role: it hosts no producer, so it neither starts nor keeps one alive.</param>
    public static ISiloBuilder AddOpenLedger(this ISiloBuilder silo, LedgerNode node, StorageBackend backend, string connectionString, bool startProducer = true)
    {
        silo.Services.AddSingleton(node);
        silo.Services.AddSingleton<INodeContent>(new NodeContent(node));
        // Model Factory's checkpoints live in the same database, so a job resumed on any ML silo continues (ML role).
        silo.Services.AddSingleton<OpenLedger.Grains.ModelFactory.ITrainingCheckpoints>(
            new ModelFactory.NodeTrainingCheckpoints(new OpenLedger.Storage.Checkpoints.SqlTrainingCheckpoints(backend, connectionString)));
        silo.AddOpenLedgerGrainStorage(StorageName, backend, connectionString);
        silo.AddOpenLedgerStreams();
        // Only a core silo starts and keeps alive the producer: an ML-only silo cannot host it (and would log its
        // keepalive failing whenever no core silo runs).
        if (startProducer)
        {
            silo.AddStartupTask(async (services, _) =>
                await services.GetRequiredService<IGrainFactory>().GetGrain<IBlockProducerGrain>(0).StartAsync());
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ProducerKeepAlive>();
        }
        return silo;
    }
}
