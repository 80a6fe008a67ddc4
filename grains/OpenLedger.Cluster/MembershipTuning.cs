using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace OpenLedger.Cluster;

/// <summary>How fast a PostgreSQL cluster notices that a silo is gone. Orleans' defaults suit a large cloud cluster
/// (a dead silo is declared dead after ~15-30 s, a client learns of gateways once a minute); an OpenLedger cluster is a few
/// silos on a LAN whose block producer is a singleton, so every second a dead silo is not declared dead is a second
/// without blocks. These values declare a SIGKILLed silo dead within a few seconds (README "Architecture > Failover").
/// The trade-off is false suspicion: a silo that cannot answer probes for about <see cref="MissedProbes"/> probe periods
/// (a long GC pause, a starved CPU) is voted dead and stops; Orleans' adaptive probe timeout (it grows with the observed
/// response times, up to <see cref="MaxProbeTimeout"/>) and its local-health extension soften that. An operator may
/// override any of them without a rebuild through the configuration section <see cref="SectionName"/> (environment
/// variables <c>Orleans__Membership__ProbeTimeout=00:00:05</c>, etc.; the names are ClusterMembershipOptions' and
/// GatewayOptions').</summary>
public static class MembershipTuning
{
    /// <summary>The configuration section whose values override these (ClusterMembershipOptions' and GatewayOptions' names).</summary>
    public const string SectionName = "Orleans:Membership";

    /// <summary>The initial probe timeout and period (Orleans: 5 s). Orleans adapts it per monitored silo to the observed
    /// response times, between half of it and <see cref="MaxProbeTimeout"/>: on a quiet LAN a probe goes out about every second.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The longest the adaptive probe timeout may grow on a loaded silo (Orleans: four times the initial one).</summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(8);

    /// <summary>Missed probes before a silo suspects another and votes (Orleans: 3). Kept: one or two lost probes are noise.</summary>
    public const int MissedProbes = 3;

    /// <summary>Votes that declare a silo dead (Orleans: 2). Kept: one silo's view is not enough; with two silos left the
    /// one vote available decides (Orleans caps the votes needed at the silos that can vote).</summary>
    public const int VotesForDeath = 2;

    /// <summary>How long a vote counts (Orleans: 2 min). The second vote follows the first within a probe round or two;
    /// a vote older than this is about a silo that was only slow, and should not add up with a new one.</summary>
    public static readonly TimeSpan DeathVoteExpiration = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo re-reads the membership table (Orleans: 60 s). Gossip spreads a death at once; this is the
    /// bound for a silo that missed the gossip (e.g. it was busy), at one small query per silo per period.</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo writes its heartbeat to the table (Orleans: 30 s). Two missed ones mark a stale entry,
    /// which also tells the clients that list gateways from the table which silos to skip.</summary>
    public static readonly TimeSpan IAmAlivePublish = TimeSpan.FromSeconds(10);

    /// <summary>How often an Orleans client (the standalone gateway, the CLI's cluster tools) re-reads the silos' gateways
    /// (Orleans: 60 s). A client drops a gateway whose connection fails at once; this is how soon it uses a restarted one.</summary>
    public static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(5);

    /// <summary>The silo side: probes, votes and table refreshes, then the operator's overrides.</summary>
    public static ISiloBuilder UseOpenLedgerMembershipTuning(this ISiloBuilder silo)
    {
        silo.Services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.MinProbeTimeout = ProbeTimeout / 2;
            o.MaxProbeTimeout = MaxProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.NumVotesForDeathDeclaration = VotesForDeath;
            o.DeathVoteExpirationTimeout = DeathVoteExpiration;
            o.TableRefreshTimeout = TableRefresh;
            o.IAmAliveTablePublishTimeout = IAmAlivePublish;
        });
        silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IServiceProvider>((o, s) => s.GetService<IConfiguration>()?.GetSection(SectionName).Bind(o));
        return silo;
    }

    /// <summary>The client side: how soon a restarted or new silo's gateway is used, then the operator's override.</summary>
    public static IClientBuilder UseOpenLedgerMembershipTuning(this IClientBuilder client)
    {
        client.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefresh);
        client.Services.AddOptions<GatewayOptions>().Configure<IServiceProvider>((o, s) => s.GetService<IConfiguration>()?.GetSection(SectionName).Bind(o));
        return client;
    }
}
