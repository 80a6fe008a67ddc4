using System.Xml.Linq;

namespace OpenLedger.Tests.Architecture;

/// <summary>The project graph: which project may reference which. This table is the one place the rule is written;
/// the README's "Architecture" section states the same graph.</summary>
public sealed class ProjectReferenceTests
{
    private const string Core = "OpenLedger.Core";
    private const string Storage = "OpenLedger.Storage";
    private const string Cluster = "OpenLedger.Cluster";
    private const string GrainsInterfaces = "OpenLedger.Grains.Interfaces";
    private const string Grains = "OpenLedger.Grains";
    private const string GraphQLTransport = "OpenLedger.GraphQL.Transport";
    private const string GraphQL = "OpenLedger.GraphQL";
    private const string Gateway = "OpenLedger.Gateway";
    private const string Client = "OpenLedger.Client";
    private const string Cli = "OpenLedger.Cli";
    private const string ML = "OpenLedger.ML";
    private const string MLNativeFix = "OpenLedger.ML.NativeFix";
    private const string MLGrains = "OpenLedger.ML.Grains";
    private const string Analyzers = "OpenLedger.Analyzers";
    private const string Silo = "OpenLedger.Silo";

    /// <summary>Every project outside <c>tests/</c> and the projects it may reference directly (projects under
    /// <c>tests/</c>, the tests and benchmarks, may reference anything). The silo, the host, may reference every
    /// project in this table.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [Core] = [],
        [Storage] = [Core],
        [GrainsInterfaces] = [Core],
        // Joining the cluster (id, certificate, mutual TLS, PostgreSQL membership): Orleans packages only, so a gateway
        // can join without the ledger's storage.
        [Cluster] = [],
        [Grains] = [GrainsInterfaces, Storage, Core],
        [GraphQLTransport] = [],
        [GraphQL] = [GrainsInterfaces, GraphQLTransport, Core],
        // The slim gateway: an Orleans client serving GraphQL; no grain implementations, storage or ML (its packages are
        // checked too: SlimGatewayDependencyTests). The CLI for its command line, the operator token and data directory.
        [Gateway] = [Cluster, GraphQL, GraphQLTransport, GrainsInterfaces, Cli, Client, Core],
        [Client] = [Core],
        // The slim CLI: the public API's client and the core, nothing of Orleans, storage or ML (its packages are
        // checked too: SlimCliDependencyTests).
        [Cli] = [Client, Core],
        [ML] = [Core, MLNativeFix],
        // The ML grains read chain state through grain interfaces and content through INodeContent: never the grain
        // implementations or the store.
        [MLGrains] = [ML, GrainsInterfaces, Core],
        [MLNativeFix] = [],
        [Analyzers] = [],
        [Silo] = [],
    };

    private static IReadOnlyCollection<string> AllowedFor(string project) =>
        project == Silo ? Allowed.Keys.Where(p => p != Silo).ToList() : Allowed[project];

    [Fact]
    public void Every_project_reference_outside_tests_is_in_the_allowed_table()
    {
        var root = RepositoryRoot();
        var offending = new List<string>();
        foreach (var (name, path) in ProductProjects(root))
        {
            if (!Allowed.ContainsKey(name))
                continue;
            foreach (var referenced in ProjectReferences(path))
            {
                if (!AllowedFor(name).Contains(referenced))
                    offending.Add($"{name} -> {referenced} ({Path.GetRelativePath(root, path)})");
            }
        }
        Assert.True(offending.Count == 0,
            "project references not in the allowed table (tests/OpenLedger.Tests/Architecture/ProjectReferenceTests.cs):\n"
            + string.Join("\n", offending));
    }

    [Fact]
    public void Every_project_outside_tests_is_in_the_allowed_table_and_every_entry_is_a_project()
    {
        var names = ProductProjects(RepositoryRoot()).Select(p => p.Name).ToHashSet();
        var missing = names.Where(n => !Allowed.ContainsKey(n)).Order().ToList();
        var stale = Allowed.Keys.Concat(Allowed.Values.SelectMany(v => v)).Where(n => !names.Contains(n))
            .Distinct().Order().ToList();
        Assert.True(missing.Count == 0, "projects missing from the allowed table: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "the allowed table names projects that do not exist: " + string.Join(", ", stale));
    }

    private static IEnumerable<(string Name, string Path)> ProductProjects(string root) =>
        Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !IsUnder(root, p, "tests") && !p.Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj"))
            .Select(p => (Path.GetFileNameWithoutExtension(p), p));

    private static bool IsUnder(string root, string path, string folder) =>
        Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar)[0] == folder;

    private static IEnumerable<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include"))
            .Where(include => include is not null)
            .Select(include => Path.GetFileNameWithoutExtension(include!.Replace('\\', Path.DirectorySeparatorChar)));

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenLedger.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no OpenLedger.sln above {AppContext.BaseDirectory}");
    }
}
