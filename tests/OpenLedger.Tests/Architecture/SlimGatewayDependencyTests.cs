namespace OpenLedger.Tests.Architecture;

/// <summary>The standalone GraphQL gateway (<c>openledger-gateway</c>, graphql/OpenLedger.Gateway) stays slim: it is an
/// Orleans client that joins the cluster (OpenLedger.Cluster) and serves GraphQL over the grain interfaces, so nothing
/// in what it loads is the ML engine or libtorch, a grain implementation, the ledger's storage or SQLite, or the node.
/// The project table (<see cref="ProjectReferenceTests"/>) checks its direct references; this checks the whole closure,
/// as the build wrote it into <c>openledger-gateway.deps.json</c>.</summary>
public sealed class SlimGatewayDependencyTests
{
    private static readonly string[] Forbidden =
    [
        "TorchSharp", "libtorch", "OpenLedger.ML", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "OpenLedger.Storage",
        "OpenLedger.Silo",
    ];

    [Fact]
    public void The_slim_gateway_loads_no_ML_engine_grain_implementation_storage_or_SQLite()
    {
        var libraries = SlimCliDependencyTests.Libraries(Path.Combine(AppContext.BaseDirectory, "openledger-gateway.deps.json"));
        // The deps file is the gateway's, and complete: the cluster's joining, GraphQL and the grain interfaces.
        Assert.Contains("OpenLedger.Cluster", libraries);
        Assert.Contains("OpenLedger.GraphQL", libraries);
        Assert.Contains("OpenLedger.Grains.Interfaces", libraries);
        var offending = libraries.Where(l => l == "OpenLedger.Grains" || l == "openledger"
                                             || Forbidden.Any(f => l.StartsWith(f, StringComparison.OrdinalIgnoreCase))).Order().ToList();
        Assert.True(offending.Count == 0, "openledger-gateway depends on: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_node_executable_does_carry_them_and_the_gateway_by_reference()
    {
        var libraries = SlimCliDependencyTests.Libraries(Path.Combine(AppContext.BaseDirectory, "openledger.deps.json"));
        Assert.Contains(libraries, l => l.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.Contains("OpenLedger.Grains", libraries);
        Assert.Contains("Microsoft.Data.Sqlite", libraries);
        Assert.Contains("openledger-gateway", libraries);   // `openledger gateway` is the gateway's code, not a copy
    }
}
