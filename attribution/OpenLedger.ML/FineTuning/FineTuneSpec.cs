using System.Text.Json.Serialization;
using OpenLedger.ML.Lora;

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
        return null;
    }
}
