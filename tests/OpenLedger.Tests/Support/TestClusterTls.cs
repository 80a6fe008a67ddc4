using System.Security.Cryptography.X509Certificates;
using Orleans.TestingHost;
using OpenLedger.Grains.Hosting;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Support;

/// <summary>The test clusters run as nodes do: mutual TLS pinned to one cluster certificate on every silo and client
/// connection (one certificate per test process).</summary>
public static class TestClusterTls
{
    public static X509Certificate2 Certificate => Shared.Value;

    private static readonly Lazy<X509Certificate2> Shared = new(ClusterCertificate.Create);

    public static InProcessTestClusterBuilder WithClusterTls(this InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSilo((_, silo) => silo.UseOpenLedgerClusterTls(Certificate));
        builder.ConfigureClient(client => client.UseOpenLedgerClusterTls(Certificate));
        return builder;
    }
}
