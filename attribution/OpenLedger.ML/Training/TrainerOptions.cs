namespace OpenLedger.ML.Training;

/// <summary>How a <see cref="Trainer"/> runs. Give <see cref="Steps"/> or <see cref="Epochs"/> (steps win when both
/// are set). The learning rate warms up linearly over <see cref="WarmupSteps"/> to <see cref="LearningRate"/>, then
/// follows <see cref="Schedule"/> (by default a cosine to <see cref="MinLearningRateRatio"/> × the peak at the last
/// step).</summary>
public sealed record TrainerOptions
{
    public int? Steps { get; init; }
    public double? Epochs { get; init; }
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-3;
    public double MinLearningRateRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public int WarmupSteps { get; init; }
    /// <summary>Gradients are scaled down to this global L2 norm when larger; 0 or less turns clipping off.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;
    /// <summary>Seeds data order and dropout.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Held-out evaluation every N steps (and before the first and after the last); 0 turns it off.</summary>
    public int EvalEvery { get; init; }
    /// <summary>At most this many held-out rows per evaluation (null: all).</summary>
    public int? EvalMaxRows { get; init; }
    /// <summary>Where to write a checkpoint every <see cref="CheckpointEvery"/> steps, at the end and on cancellation;
    /// null: none.</summary>
    public string? CheckpointDirectory { get; init; }
    /// <summary>Where checkpoints go instead of <see cref="CheckpointDirectory"/> (which it overrides when both are set).</summary>
    public ITrainingCheckpointStore? CheckpointStore { get; init; }
    public int CheckpointEvery { get; init; }
    /// <summary>After warmup: cosine or linear decay to <see cref="MinLearningRateRatio"/> × the peak, or constant.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    /// <summary>Label smoothing ε of the training loss (Szegedy et al. 2016): the target distribution puts 1 - ε on the
    /// true token and ε spread over the vocabulary. Held-out losses are always plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Stop after this many held-out evaluations in a row without a lower held-out loss, and end with the
    /// weights of the best one (null: train every step). Needs held-out data and <see cref="EvalEvery"/> &gt; 0.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>The checkpoint store this run uses: <see cref="CheckpointStore"/>, else the directory's, else none.</summary>
    public ITrainingCheckpointStore? Checkpoints =>
        CheckpointStore ?? (CheckpointDirectory is { } directory ? new DirectoryCheckpointStore(directory) : null);

    /// <summary>The number of optimiser steps for data of <paramref name="batchesPerEpoch"/> batches.</summary>
    public int TotalSteps(int batchesPerEpoch)
    {
        if (Steps is { } steps) return steps >= 0 ? steps : throw new ArgumentOutOfRangeException(nameof(Steps));
        if (Epochs is { } epochs) return epochs >= 0 ? (int)Math.Ceiling(epochs * batchesPerEpoch) : throw new ArgumentOutOfRangeException(nameof(Epochs));
        throw new ArgumentException("set Steps or Epochs");
    }

    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(int step, int totalSteps)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        if (Schedule == LearningRateSchedule.Constant) return LearningRate;
        var decaySteps = Math.Max(1, totalSteps - WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var min = LearningRate * MinLearningRateRatio;
        return Schedule == LearningRateSchedule.Linear
            ? LearningRate - (LearningRate - min) * progress
            : min + (LearningRate - min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
