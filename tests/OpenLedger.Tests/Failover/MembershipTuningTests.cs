using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OpenLedger.Cluster;

namespace OpenLedger.Tests.Failover;

/// <summary>The membership settings a PostgreSQL cluster runs with (README "Architecture > Failover"): the tuned values
/// by default, and an operator's override from configuration (section Orleans:Membership) on top of them.</summary>
public sealed class MembershipTuningTests
{
    [Fact]
    public void A_silo_on_postgres_clustering_runs_with_the_tuned_failure_detection()
    {
        using var host = Silo([]);
        var o = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), o.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.MinProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(8), o.MaxProbeTimeout);
        Assert.Equal(3, o.NumMissedProbesLimit);
        Assert.Equal(2, o.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(30), o.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), o.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), o.IAmAliveTablePublishTimeout);
    }

    [Fact]
    public void An_operator_overrides_a_silo_setting_through_configuration_and_keeps_the_others()
    {
        using var host = Silo(new Dictionary<string, string?> { ["Orleans:Membership:ProbeTimeout"] = "00:00:05", ["Orleans:Membership:NumMissedProbesLimit"] = "4" });
        var o = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), o.ProbeTimeout);
        Assert.Equal(4, o.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), o.TableRefreshTimeout);
    }

    [Fact]
    public void A_client_re_reads_the_gateways_every_5_s_unless_configured_otherwise()
    {
        using (var host = Client([]))
            Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        using (var host = Client(new Dictionary<string, string?> { ["Orleans:Membership:GatewayListRefreshPeriod"] = "00:00:30" }))
            Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    // Built, never started: the options are what the silo or client would run with.
    private static IHost Silo(Dictionary<string, string?> settings) =>
        new HostBuilder().ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
            .UseOrleans(s => s.UseOpenLedgerPostgresClustering("Host=127.0.0.1;Database=unused")).Build();

    private static IHost Client(Dictionary<string, string?> settings) =>
        new HostBuilder().ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
            .UseOrleansClient(c => c.UseOpenLedgerPostgresClustering("Host=127.0.0.1;Database=unused")).Build();
}
