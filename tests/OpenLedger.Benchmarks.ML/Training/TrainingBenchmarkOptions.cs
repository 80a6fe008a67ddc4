using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;

namespace OpenLedger.Benchmarks.ML.Training;

/// <summary>The sizes of one training benchmark run: batch 16 (FineTuneSpec's default), 300 steps on 4000 examples,
/// three alternated pairs; <c>--quick</c> keeps every row with 40 steps on 1000 examples and two pairs. A step of batch
/// 16 takes ~0.2 s on two idle cores (several times that on a shared, busy machine).</summary>
public sealed record TrainingBenchmarkOptions(
    bool Quick,
    int Threads,
    int Steps,
    int Examples,
    int BatchSize,
    int Rank,
    int Repeats,
    bool Shipped,
    int Seed,
    string BaseModel)
{
    /// <summary>The job's spec: Model Factory's lexname settings (rank 8, alpha 2 × rank, every projection, AdamW at
    /// 5e-3) with a fixed step count.</summary>
    public FineTuneSpec Spec => new()
    {
        Rank = Rank, Alpha = 2.0 * Rank, TargetModules = LoraConfig.AllProjections, LearningRate = 5e-3, Steps = Steps, BatchSize = BatchSize,
        Seed = Seed,
    };

    public static TrainingBenchmarkOptions From(CommandLine line)
    {
        var quick = line.Flag("quick");
        var options = new TrainingBenchmarkOptions(
            quick,
            Threads: line.Int("threads", 2, min: 1),
            Steps: line.Int("steps", quick ? 40 : 300, min: 1),
            Examples: line.Int("examples", quick ? 1000 : 4000, min: 50),
            BatchSize: line.Int("batch", 16, min: 1),
            Rank: line.Int("rank", 8, min: 1),
            Repeats: line.Int("repeats", quick ? 2 : 3, min: 1),
            Shipped: !line.Flag("no-shipped"),
            Seed: line.Int("seed", 1),
            BaseModel: BaseModelChoice.Directory(line));
        line.ThrowOnUnread();
        if (options.Spec.Problem() is { } problem) throw new UsageException(problem);
        return options;
    }
}
