using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using OpenLedger.Cluster;
using OpenLedger.Core.Genesis;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Grains.Hosting;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Storage;

namespace OpenLedger.Silo.Hosting;

/// <summary>Builds a node: prepares the database (schemas, genesis), then a silo on the chosen clustering and storage.
/// Embedded and clustered nodes run the same code; only <see cref="NodeSettings"/> differ.</summary>
public static class NodeHost
{
    public static async Task<(IHost Host, LedgerNode Node, GenesisConfig Genesis)> BuildAsync(NodeSettings settings, CancellationToken ct = default)
    {
        RolePlacement.Check(settings.Roles);
        var genesis = settings.LoadGenesis();
        var rules = genesis.ToRules();
        if (settings.Backend == StorageBackend.Sqlite) Directory.CreateDirectory(settings.DataDirectory);
        var (store, content) = await NodeDatabase.PrepareAsync(settings.Backend, settings.ConnectionString, rules, ct);
        // The base model an ML silo serves: given, remembered by its data directory, or chosen for it (ServedBaseModel).
        var baseModel = settings.Ml
            ? ServedBaseModel.Choose(settings.BaseModelDirectory, settings.DataDirectory, chainBegun: (await store.GetHeadAsync(ct))?.Height > 0)
            : null;
        var clusterCertificate = settings.LoadClusterCertificate(create: true);
        var node = new LedgerNode(rules, store, settings.ResolveProducerKey(genesis, rules),
            settings.Mempool, settings.ProduceEmptyBlocks, content);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{settings.HttpPort}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("OpenLedger", LogLevel.Information);
        // Orleans 10.4.2 reports the machine uptime as a stalled watchdog check once at start-up: a false alarm.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = ClusterMembership.ClusterId; o.ServiceId = ClusterMembership.ClusterId; });
            if (settings.Backend == StorageBackend.Sqlite)
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            else
            {
                silo.UseOpenLedgerPostgresClustering(settings.ConnectionString);
                // Bound to and advertised on one address: loopback unless --cluster-address names the interface the other
                // silos reach (Orleans' own default would resolve the machine's address and open the ports on the LAN).
                silo.ConfigureEndpoints(settings.ClusterAddress ?? System.Net.IPAddress.Loopback, settings.SiloPort, settings.GatewayPort);
            }
            silo.UseOpenLedgerClusterTls(clusterCertificate);
            // Every silo reads and writes the same store and carries the "market" streams; only a core silo starts the producer.
            silo.AddOpenLedger(node, settings.Backend, settings.ConnectionString, startProducer: settings.HostsLedger);
            // The ML role (Model Factory, OpenLoRA, serving, attribution): its services and start-up tasks on ML silos only.
            if (baseModel is not null)
            {
                silo.AddOpenLedgerMl(new MlOptions(Path.Combine(settings.DataDirectory, "jobs"), settings.ResolveServingKey(genesis, rules),
                    baseModel.Directory, TrainingThreads: settings.TrainingThreads,
                    AttributionKey: settings.ResolveAttributionKey(genesis, rules)));
                // One line at start: which base this silo serves and why (an operator checks it after an upgrade).
                silo.AddStartupTask((services, _) =>
                {
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenLedger.Silo.BaseModel").LogInformation("{BaseModel}", baseModel.Describe());
                    return Task.CompletedTask;
                });
            }
            else
                silo.AddOpenLedgerMlPlacement();
            // The grain classes of the roles this silo lacks leave its catalogue: Orleans places them on other silos.
            silo.HostOnlyRoles(settings.Roles);
            silo.LogRoles(settings.Roles);
            silo.AddDashboard();
        });
        // Created now (the others appear with the first block or rejection): /metrics says from the start which secp256k1 runs.
        _ = LedgerMetrics.Secp256k1Native;
        // The gateway role: GraphQL, the web app and the WebSocket API on the HTTP port; every silo answers /healthz and /metrics.
        if (settings.ServesGateway) builder.Services.AddGatewayServices(settings.HttpBoundary(), LedgerMetrics.MeterName);
        else builder.Services.AddHealthAndMetricsServices(settings.HttpBoundary(), LedgerMetrics.MeterName);
        var app = builder.Build();
        if (settings.ServesGateway) app.MapGateway();
        else app.MapHealthAndMetrics();
        return (app, node, genesis);
    }
}
