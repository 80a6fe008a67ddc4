using OpenLedger.ML.Attribution;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The sizes of one attribution-truth run. Every retrain costs a training run, so the defaults are what fits
/// the shared 2-core machine: 400 training examples, 2 epochs of batch 16 (50 steps on the full set), 50 retrains on
/// random halves (25 steps each) for LDS and 50 + 5 retrains on all but 20 examples for the counterfactual, 100
/// held-out queries (the first 50 of them for the counterfactual). <c>--parts lds</c> or <c>--parts counterfactual</c>
/// runs one of the two (each trains the same full-set adapter first), so they can run side by side. One torch thread,
/// as the other attribution benchmarks.</summary>
public sealed record TruthBenchmarkOptions(int Threads, int Examples, double Epochs, int BatchSize, int Subsets, int Queries, int CounterfactualQueries,
    int RandomRetrains, int Removed, int Test, bool RunLds, bool RunCounterfactual, ProjectionSpec Projection, int Seed, string BaseModel)
{
    public static TruthBenchmarkOptions From(CommandLine line)
    {
        var parts = line.Text("parts", "lds,counterfactual").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p is not ("lds" or "counterfactual")))
            throw new UsageException("--parts takes lds, counterfactual or both (comma-separated)");
        var options = new TruthBenchmarkOptions(
            Threads: line.Int("threads", 1, min: 1),
            Examples: line.Int("examples", 400, min: 40),
            Epochs: line.Int("epochs", 2, min: 1),
            BatchSize: line.Int("batch", 16, min: 1),
            Subsets: line.Int("subsets", 50, min: 3),
            Queries: line.Int("queries", 100, min: 1),
            CounterfactualQueries: line.Int("cf-queries", 50, min: 1),
            RandomRetrains: line.Int("random-retrains", 5, min: 1),
            Removed: line.Int("remove", 20, min: 1),
            Test: line.Int("test", 400, min: 10),
            RunLds: parts.Contains("lds"),
            RunCounterfactual: parts.Contains("counterfactual"),
            Projection: new ProjectionSpec(line.Int("k-in", ProjectionSpec.Default.InputDims), line.Int("k-out", ProjectionSpec.Default.OutputDims),
                ProjectionSpec.Default.Seed),
            Seed: line.Int("seed", 1),
            BaseModel: BaseModelChoice.Directory(line));
        line.ThrowOnUnread();
        if (options.Test < options.Queries) throw new UsageException("--test must be at least --queries (the queries are test synsets)");
        if (options.CounterfactualQueries > options.Queries) throw new UsageException("--cf-queries must be at most --queries");
        if (options.Removed * 2 >= options.Examples) throw new UsageException("--remove must be under half of --examples");
        return options;
    }
}
