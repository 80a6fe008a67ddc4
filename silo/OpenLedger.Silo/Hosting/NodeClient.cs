using OpenLedger.Cli.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenLedger.Cluster;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Hosting;

/// <summary>An Orleans client connected to a running node's Orleans gateway port: a cluster-internal tool, not a way in for users.
/// It is inside the trust boundary because it can only connect holding the node's cluster certificate (mutual TLS,
/// pinned; the file is the node owner's, mode 0600, and refused if others can read it), which makes its holder one of
/// the operator's own processes; what it reaches (grain methods such as the mempool's TakeAsync) is meant for silos.
/// Its callers are such tools: the crash tests (which drive the grains directly to stop a node at exact points), the
/// PostgreSQL test that a client finds the gateway through the membership table, and the ledger benchmark's
/// --external-client (measuring the cluster-internal path beside the public one). The CLI's client verbs, wallets and
/// the other tests speak GraphQL (OpenLedger.Client). Even through this client, a transaction handed to a grain as
/// verified is verified again where it arrives: holding the certificate moves no one else's money.</summary>
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
            client.JoinOpenLedgerCluster(settings.Gateway.PostgresConnectionString, settings.GatewayPort, clusterCertificate);
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
