using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Tests.Support;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Security;

/// <summary>A real node on SQLite whose Orleans ports speak only mutual TLS pinned to its cluster certificate.</summary>
public sealed class ClusterTlsNodeFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 2, blockIntervalMs: 200);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-tls-node");
    public int GatewayPort { get; } = FreePorts.Next();
    public int HttpPort { get; } = FreePorts.Next();
    public string CertificatePath => Path.Combine(DataDirectory, ClusterCertificate.DefaultFileName);
    private InProcessNode? _node;

    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync(Chain, DataDirectory, HttpPort, GatewayPort);

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
    }
}

/// <summary>
/// The Orleans ports are cluster-internal: whoever can reach them (another local user, the LAN) can neither call a
/// grain without the cluster certificate nor get in with a certificate of their own; holders of the node's file can.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterTlsTests(ClusterTlsNodeFixture fx) : IClassFixture<ClusterTlsNodeFixture>
{
    private async Task<IHost> ConnectAsync(Action<IClientBuilder>? tls, int timeoutSeconds = 30)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = ClusterMembership.ClusterId; o.ServiceId = ClusterMembership.ClusterId; });
            client.UseLocalhostClustering(fx.GatewayPort);
            tls?.Invoke(client);
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        await host.StartAsync(timeout.Token);
        return host;
    }

    private static async Task<long> HeadAsync(IHost client) =>
        await client.Services.GetRequiredService<IClusterClient>().GetGrain<IBlockProducerGrain>(0).StartAsync();

    private async Task AssertRefusedAsync(Action<IClientBuilder>? tls)
    {
        IHost? host = null;
        try
        {
            var refused = await Record.ExceptionAsync(async () =>
            {
                // Refused at the handshake: the client keeps retrying its gateway, so give up after a few seconds.
                host = await ConnectAsync(tls, timeoutSeconds: 5);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await HeadAsync(host).WaitAsync(timeout.Token);
            });
            Assert.NotNull(refused);
        }
        finally
        {
            if (host is not null) { try { await host.StopAsync(); } catch (Exception) { } host.Dispose(); }
        }
    }

    [Fact]
    public void The_node_creates_its_cluster_certificate_readable_by_its_owner_only()
    {
        Assert.True(File.Exists(fx.CertificatePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fx.CertificatePath));
        using var certificate = ClusterCertificate.Load(fx.CertificatePath);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public async Task A_client_holding_the_node_s_cluster_certificate_reaches_the_grains()
    {
        using var certificate = ClusterCertificate.Load(fx.CertificatePath);
        using var host = await ConnectAsync(c => c.UseOpenLedgerClusterTls(certificate));
        Assert.True(await HeadAsync(host) >= 0);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_call_a_grain() => await AssertRefusedAsync(null);

    [Fact]
    public async Task A_client_with_a_certificate_of_its_own_is_refused()
    {
        using var stranger = ClusterCertificate.Create();
        await AssertRefusedAsync(c => c.UseOpenLedgerClusterTls(stranger));
    }

    [Fact]
    public void A_cluster_certificate_file_others_can_read_is_refused_with_what_to_do()
    {
        var copy = Path.Combine(TestChain.TempDirectory("openledger-tls-copy"), "cluster.pfx");
        File.Copy(fx.CertificatePath, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var settings = NodeSettings.From(new Args(["run", "--cluster-cert", copy]));
        var refused = Assert.Throws<UsageException>(() => settings.LoadClusterCertificate(create: true));
        Assert.Contains("chmod 600", refused.Message);
        Assert.Contains(copy, refused.Message);
    }

    [Fact]
    public void A_process_joining_a_node_does_not_make_up_a_certificate_of_its_own()
    {
        var missing = Path.Combine(TestChain.TempDirectory("openledger-tls-missing"), "cluster.pfx");
        var settings = NodeSettings.From(new Args(["gateway", "--cluster-cert", missing]));
        var refused = Assert.Throws<UsageException>(() => settings.LoadClusterCertificate(create: false));
        Assert.Contains("--cluster-cert", refused.Message);
        Assert.False(File.Exists(missing));
    }
}
