using OpenLedger.ML.Attribution;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The sizes of one attribution-mislabel run. 2,000 training examples by default: training (3 epochs of batch
/// 32, the repo's lexname recipe) and the index (one gradient per example) each cost about a training step per
/// example, so on the shared 2-core machine the whole run stays near 5 minutes; the full 10,791-example set is
/// <c>--examples 10791</c> (about five times longer). One torch thread, as attribution-speed.</summary>
public sealed record MislabelBenchmarkOptions(int Threads, int Examples, int FlipPercent, double Epochs, int Test, int HeldOutQueries, int Neighbours,
    ProjectionSpec Projection, int Seed, string BaseModel)
{
    public static MislabelBenchmarkOptions From(CommandLine line)
    {
        var options = new MislabelBenchmarkOptions(
            Threads: line.Int("threads", 1, min: 1),
            Examples: line.Int("examples", 2_000, min: 100),
            FlipPercent: line.Int("flip-percent", 10, min: 1),
            Epochs: line.Int("epochs", 3, min: 1),
            Test: line.Int("test", 400, min: 10),
            HeldOutQueries: line.Int("held-out", 100, min: 1),
            Neighbours: line.Int("k", 10, min: 1),
            Projection: new ProjectionSpec(line.Int("k-in", ProjectionSpec.Default.InputDims), line.Int("k-out", ProjectionSpec.Default.OutputDims),
                ProjectionSpec.Default.Seed),
            Seed: line.Int("seed", 1),
            BaseModel: BaseModelChoice.Directory(line));
        line.ThrowOnUnread();
        if (options.FlipPercent >= 100) throw new UsageException("--flip-percent must be below 100");
        return options;
    }
}
