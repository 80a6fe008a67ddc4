namespace OpenLedger.ML.Training;

/// <summary>A report after optimiser step <see cref="Step"/> (1-based; 0 is the report before training, with only the
/// held-out loss). <see cref="EvalLoss"/> is set on steps that evaluated.</summary>
public sealed record TrainingProgress(
    int Step,
    int TotalSteps,
    double Loss,
    double LearningRate,
    double? EvalLoss,
    double TokensPerSecond,
    TimeSpan Elapsed,
    TimeSpan Eta);
