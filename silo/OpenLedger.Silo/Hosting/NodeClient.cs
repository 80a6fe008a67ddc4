using OpenLedger.Cli.CommandLine;
using OpenLedger.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OpenLedger.Silo.Configuration;
using OpenLedger.Storage;

namespace OpenLedger.Silo.Hosting;

/// <summary>An Orleans client connected to a running node's Orleans gateway port, for tools inside the cluster's trust boundary (tests,
/// benchmarks). The CLI's client verbs do not use it: they speak GraphQL (OpenLedger.Client).</summary>
public static class NodeClient
{
    public static async Task<IHost> ConnectAsync(NodeSettings settings, CancellationToken ct = default)
    {
        var clusterCertificate = settings.LoadClusterCertificate(create: false);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = NodeHost.ClusterId; o.ServiceId = NodeHost.ClusterId; });
            if (settings.Backend == StorageBackend.Sqlite) client.UseLocalhostClustering(settings.GatewayPort);
            else client.UseOpenLedgerPostgresClustering(settings.ConnectionString);
            client.UseOpenLedgerClusterTls(clusterCertificate);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception e)
        {
            throw new UsageException($"cannot reach a node at Orleans gateway port {settings.GatewayPort}: {e.GetBaseException().Message} (is `openledger run` running?)");
        }
        return host;
    }
}
