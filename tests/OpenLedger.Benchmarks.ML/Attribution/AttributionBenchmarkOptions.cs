using OpenLedger.ML.Attribution;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The sizes of one attribution-speed run. Index building costs about a training step per example, so by
/// default 2,000 real WordNet examples get real gradients and the 10k index is filled up with copies of them (the scan
/// and the query do not depend on what the rows hold); the 100k and 1M scans are synthetic the same way.</summary>
public sealed record AttributionBenchmarkOptions(int Threads, int Examples, int Real, int Queries, int TrainSteps, int MaxRows, ProjectionSpec Projection,
    int Seed)
{
    public static AttributionBenchmarkOptions From(CommandLine line)
    {
        var options = new AttributionBenchmarkOptions(
            Threads: line.Int("threads", 2, min: 1),
            Examples: line.Int("examples", 10_000, min: 100),
            Real: line.Int("real", 2_000, min: 50),
            Queries: line.Int("queries", 200, min: 10),
            TrainSteps: line.Int("train-steps", 100, min: 1),
            MaxRows: line.Int("max-rows", 1_000_000, min: 0),
            Projection: new ProjectionSpec(line.Int("k-in", ProjectionSpec.Default.InputDims), line.Int("k-out", ProjectionSpec.Default.OutputDims),
                ProjectionSpec.Default.Seed),
            Seed: line.Int("seed", 1));
        line.ThrowOnUnread();
        if (options.Real > options.Examples) throw new UsageException("--real cannot exceed --examples");
        return options;
    }
}
