using System.Text.Json.Serialization;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.FineTuning;

/// <summary>The hyperparameters of one Model Factory job: the LoRA shape (rank, alpha, target modules) and the
/// optimisation (learning rate, epochs or steps, batch size, seed). Everything that decides the artifact is here or
/// in the dataset, so (base model, dataset, spec) names one adapter, bit for bit on one thread.</summary>
public sealed record FineTuneSpec
{
    [JsonPropertyName("rank")] public int Rank { get; init; } = 8;
    [JsonPropertyName("alpha")] public double Alpha { get; init; } = 16;
    [JsonPropertyName("targetModules")] public IReadOnlyList<string> TargetModules { get; init; } = LoraConfig.AllProjections;
    [JsonPropertyName("learningRate")] public double LearningRate { get; init; } = 3e-3;
    /// <summary>Passes over the training examples (fractions allowed); ignored when <see cref="Steps"/> is set.</summary>
    [JsonPropertyName("epochs")] public double Epochs { get; init; } = 1;
    /// <summary>Optimiser steps; null: from <see cref="Epochs"/>.</summary>
    [JsonPropertyName("steps")] public int? Steps { get; init; }
    [JsonPropertyName("batchSize")] public int BatchSize { get; init; } = 16;
    [JsonPropertyName("seed")] public long Seed { get; init; } = 1;

    // Recipe options added with the second built-in base model. Each is left out of the JSON when unset, so a spec
    // without them (every job before them) serializes, hashes and names its job exactly as before.

    /// <summary>Learning rate after warmup: <c>cosine</c> (null: the default), <c>linear</c> or <c>constant</c>.</summary>
    [JsonPropertyName("schedule"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Schedule { get; init; }
    /// <summary>Label smoothing ε of the training loss, in [0, 0.5) (null: none).</summary>
    [JsonPropertyName("labelSmoothing"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? LabelSmoothing { get; init; }
    /// <summary>Held-out evaluations (ten per run) in a row without a lower held-out loss before the run stops and keeps
    /// the best evaluation's adapter (null: train every step, keep the last). Needs a held-out split.</summary>
    [JsonPropertyName("earlyStopping"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? EarlyStopping { get; init; }
    /// <summary>How a text-label model's labels are scored when it is read as a classifier (<see cref="LabelClassifier"/>):
    /// <c>sum</c> of the label's token log-probabilities (null: the default) or their <c>mean</c> (length-normalised).</summary>
    [JsonPropertyName("labelScoring"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? LabelScoring { get; init; }

    public static readonly IReadOnlyList<string> Schedules = ["cosine", "linear", "constant"];
    public static readonly IReadOnlyList<string> LabelScorings = ["sum", "mean"];

    [JsonIgnore] public LearningRateSchedule LearningRateSchedule => Schedule switch
    {
        "linear" => LearningRateSchedule.Linear,
        "constant" => LearningRateSchedule.Constant,
        _ => LearningRateSchedule.Cosine,
    };

    [JsonIgnore] public LabelScoring Scoring => LabelScoring == "mean" ? FineTuning.LabelScoring.Mean : FineTuning.LabelScoring.Sum;

    public const int MaxRank = 64;
    public const int MaxSteps = 1_000_000;
    public const int MaxBatchSize = 512;

    // Derived, not a hyperparameter of its own: kept out of the record's JSON (and so out of its hash and the job id).
    [JsonIgnore] public LoraConfig Lora => new(Rank, Alpha, TargetModules);

    /// <summary>What is wrong with the spec, or null. Bounds keep one job from taking a silo for days by a typo.</summary>
    public string? Problem()
    {
        if (Rank is < 1 or > MaxRank) return $"rank must be in [1, {MaxRank}]: {Rank}";
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) return $"alpha must be a positive number: {Alpha}";
        if (TargetModules.Count == 0) return "targetModules must name at least one module";
        var unknown = TargetModules.FirstOrDefault(t => !LoraConfig.AllProjections.Any(p => p == t || p.EndsWith("." + t, StringComparison.Ordinal)));
        if (unknown is not null) return $"target module '{unknown}' matches no projection (GPT-2 has {string.Join(", ", LoraConfig.AllProjections)})";
        // "c_attn" and "attn.c_attn" name the same projections: two spelling of one adapter would give two records.
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in TargetModules)
            foreach (var projection in LoraConfig.AllProjections.Where(p => p == target || p.EndsWith("." + target, StringComparison.Ordinal)))
                if (!matched.Add(projection)) return $"targetModules name {projection} twice ('{target}' overlaps another target)";
        if (!(LearningRate > 0) || LearningRate > 1) return $"learningRate must be in (0, 1]: {LearningRate}";
        if (Steps is { } s && s is < 1 or > MaxSteps) return $"steps must be in [1, {MaxSteps}]: {s}";
        if (Steps is null && (!(Epochs > 0) || Epochs > 1000)) return $"epochs must be in (0, 1000]: {Epochs}";
        if (BatchSize is < 1 or > MaxBatchSize) return $"batchSize must be in [1, {MaxBatchSize}]: {BatchSize}";
        if (Seed < 0) return $"seed must not be negative: {Seed}";
        if (Schedule is { } schedule && !Schedules.Contains(schedule)) return $"schedule must be one of {string.Join(", ", Schedules)}: '{schedule}'";
        if (LabelSmoothing is { } e && !(e >= 0 && e < 0.5)) return $"labelSmoothing must be in [0, 0.5): {e}";
        if (EarlyStopping is { } patience && patience is < 1 or > 10) return $"earlyStopping must be in [1, 10] evaluations: {patience}";
        if (LabelScoring is { } scoring && !LabelScorings.Contains(scoring)) return $"labelScoring must be one of {string.Join(", ", LabelScorings)}: '{scoring}'";
        return null;
    }
}
