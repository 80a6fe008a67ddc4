using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;

namespace OpenLedger.Cluster;

/// <summary>Which cluster a process belongs to and how it finds the others: one cluster id for every node, and either
/// localhost clustering (one SQLite node) or the membership table in the shared PostgreSQL database (ADO.NET
/// clustering). The silos (the node's hosting) and the processes that join them as Orleans clients (the standalone
/// gateway, the cluster-internal tools) use these, so both sides always agree.</summary>
public static class ClusterMembership
{
    /// <summary>The Orleans cluster id and service id of every OpenLedger cluster.</summary>
    public const string ClusterId = "openledger";

    /// <summary>Orleans' ADO.NET invariant for PostgreSQL (Npgsql); the ledger's storage names the same one for grain
    /// storage (StorageBackendNames in OpenLedger.Storage, which this project does not reference: it would bring SQLite).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>Cluster membership in the PostgreSQL database (ADO.NET clustering, invariant <c>Npgsql</c>), with failure
    /// detection tuned for a few silos on a LAN (<see cref="MembershipTuning"/>).</summary>
    public static ISiloBuilder UseOpenLedgerPostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresInvariant;
            options.ConnectionString = connectionString;
        }).UseOpenLedgerMembershipTuning();
    }

    /// <summary>Lets an Orleans client (e.g. a separate GraphQL gateway) find the silos' Orleans gateway ports in PostgreSQL,
    /// re-reading them every few seconds (<see cref="MembershipTuning"/>).</summary>
    public static IClientBuilder UseOpenLedgerPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresInvariant;
            options.ConnectionString = connectionString;
        }).UseOpenLedgerMembershipTuning();
    }

    /// <summary>Joins an Orleans client to a node's cluster: the cluster id, the silos found at the local Orleans gateway
    /// port <paramref name="gatewayPort"/> (a single SQLite node; <paramref name="postgresConnectionString"/> null) or
    /// through the PostgreSQL membership table, and mutual TLS with the cluster certificate.</summary>
    public static IClientBuilder JoinOpenLedgerCluster(this IClientBuilder client, string? postgresConnectionString, int gatewayPort,
        X509Certificate2 clusterCertificate)
    {
        client.Configure<ClusterOptions>(o => { o.ClusterId = ClusterId; o.ServiceId = ClusterId; });
        if (postgresConnectionString is null) client.UseLocalhostClustering(gatewayPort);
        else client.UseOpenLedgerPostgresClustering(postgresConnectionString);
        return client.UseOpenLedgerClusterTls(clusterCertificate);
    }
}
