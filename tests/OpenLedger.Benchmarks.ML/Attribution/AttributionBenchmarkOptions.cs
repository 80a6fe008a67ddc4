using OpenLedger.ML.Attribution;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The sizes of one attribution-speed run. Index building costs about a training step per example, so by
/// default 1,000 real WordNet examples get real gradients and the 10k index is filled up with copies of them (the scan
/// and the query do not depend on what the rows hold); the 100k and 1M scans are synthetic the same way. One torch
/// thread by default: a query is one short row, where a second intra-op thread only adds synchronisation (measured:
/// p50 28.6 ms on one thread against 215 ms on two on the shared, loaded machine).</summary>
public sealed record AttributionBenchmarkOptions(int Threads, int Examples, int Real, int Queries, int TrainSteps, int MaxRows, ProjectionSpec Projection,
    int Seed)
{
    public static AttributionBenchmarkOptions From(CommandLine line)
    {
        var options = new AttributionBenchmarkOptions(
            Threads: line.Int("threads", 1, min: 1),
            Examples: line.Int("examples", 10_000, min: 100),
            Real: line.Int("real", 1_000, min: 50),
            Queries: line.Int("queries", 200, min: 10),
            TrainSteps: line.Int("train-steps", 40, min: 1),
            MaxRows: line.Int("max-rows", 1_000_000, min: 0),
            Projection: new ProjectionSpec(line.Int("k-in", ProjectionSpec.Default.InputDims), line.Int("k-out", ProjectionSpec.Default.OutputDims),
                ProjectionSpec.Default.Seed),
            Seed: line.Int("seed", 1));
        line.ThrowOnUnread();
        if (options.Real > options.Examples) throw new UsageException("--real cannot exceed --examples");
        return options;
    }
}
