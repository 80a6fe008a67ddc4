using OpenLedger.Core.Crypto;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Architecture;

/// <summary>The core's folders (one namespace each) use each other without a cycle, so they read bottom-up: a folder
/// is understood from the folders below it. The README's "Architecture" section draws the layers.</summary>
public sealed class CoreFolderGraphTests(ITestOutputHelper output)
{
    private const string Root = "OpenLedger.Core";

    private static readonly Lazy<FolderGraph> Graph = new(() => FolderGraph.Of(typeof(Address).Assembly, Root));

    [Fact]
    public void The_core_folders_use_each_other_without_a_cycle()
    {
        var graph = Graph.Value;
        var knots = graph.Knots();
        if (knots.Count == 0)
        {
            output.WriteLine("layers, bottom first:\n" + string.Join("\n", graph.Layers().Select((l, i) => $"{i}: {string.Join(", ", l)}")));
            return;
        }
        var report = new List<string>();
        foreach (var knot in knots)
        {
            report.Add($"knot of {knot.Count} folders: {string.Join(", ", knot)}; a cycle in it:");
            var cycle = graph.CycleThrough(knot[0], knot);
            for (var i = 0; i < cycle.Count; i++)
            {
                var (from, to) = (cycle[i], cycle[(i + 1) % cycle.Count]);
                var pairs = graph.Evidence(from, to);
                report.Add($"  {from} -> {to}, made by {string.Join("; ", pairs.Take(6))}{(pairs.Count > 6 ? $"; and {pairs.Count - 6} more" : "")}");
            }
        }
        Assert.Fail($"the core's folders use each other in a cycle:\n{string.Join("\n", report)}\n\nthe folder graph:\n{graph.Describe()}");
    }

    [Fact]
    public void The_graph_holds_every_folder_and_sees_uses_inside_method_bodies()
    {
        var graph = Graph.Value;
        output.WriteLine(graph.Describe());
        var folders = Directory.GetDirectories(Path.Combine(ProjectReferenceTests.RepositoryRoot(), "grains", Root))
            .Select(dir => Path.GetFileName(dir)!)
            .Where(name => name is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(folders, graph.Uses.Keys.Order(StringComparer.Ordinal).ToList());
        // Address.TryParse decodes its hex text with Encoding's Hex only inside its body: a use no signature shows, so
        // the graph has it only if the method bodies are read.
        Assert.Contains("Crypto.Address -> Encoding.Hex", graph.Evidence("Crypto", "Encoding"));
    }
}
