using System.Text.Json;

namespace OpenLedger.Tests.Architecture;

/// <summary>The slim CLI (<c>openledger-cli</c>, clients/OpenLedger.Cli) stays slim: nothing in what it loads, its
/// project references and their packages all the way down, is Orleans, a database driver, the ledger's storage or
/// grains, or the ML engine and libtorch. The project table (<see cref="ProjectReferenceTests"/>) checks its direct
/// references; this checks the whole closure, as the build wrote it into <c>openledger-cli.deps.json</c>.</summary>
public sealed class SlimCliDependencyTests
{
    private static readonly string[] Forbidden =
    [
        "Microsoft.Orleans", "TorchSharp", "libtorch", "Microsoft.Data.Sqlite", "SQLitePCLRaw", "Npgsql",
        "OpenLedger.ML", "OpenLedger.Grains", "OpenLedger.Storage", "OpenLedger.GraphQL", "OpenLedger.Silo",
        "Microsoft.AspNetCore",
    ];

    [Fact]
    public void The_slim_cli_loads_no_Orleans_database_driver_grain_or_ML_assembly()
    {
        var libraries = Libraries(Path.Combine(AppContext.BaseDirectory, "openledger-cli.deps.json"));
        Assert.Contains("OpenLedger.Client", libraries);   // the deps file is the CLI's, and complete
        var offending = libraries.Where(l => Forbidden.Any(f => l.StartsWith(f, StringComparison.OrdinalIgnoreCase))).Order().ToList();
        Assert.True(offending.Count == 0, "openledger-cli depends on: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_node_executable_does_carry_them_so_the_check_above_can_fail()
    {
        var libraries = Libraries(Path.Combine(AppContext.BaseDirectory, "openledger.deps.json"));
        Assert.Contains(libraries, l => l.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.Contains(libraries, l => l.StartsWith("Microsoft.Orleans.Runtime", StringComparison.Ordinal));
        Assert.Contains("openledger-cli", libraries);   // the node carries the client verbs by reference, not by copy
    }

    /// <summary>The names (without versions) of every library a deps.json lists: packages and projects (the slim gateway's
    /// test reads its deps file with this too).</summary>
    internal static HashSet<string> Libraries(string depsJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(depsJson));
        return doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
    }
}
