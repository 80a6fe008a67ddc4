using System.Text.Json.Serialization;

namespace OpenLedger.ML.Training;

/// <summary>Early stopping's memory in a checkpoint (<see cref="TrainerOptions.EarlyStoppingPatience"/>): the best
/// held-out evaluation so far (its tensors are in the checkpoint under <see cref="TrainingCheckpoint.BestPrefix"/>),
/// how many evaluations since then did no better, and whether the run has stopped (its trained tensors are then the
/// best ones, and a resumed run goes straight to the end).</summary>
public sealed record EarlyStoppingState(
    [property: JsonPropertyName("bestStep")] int BestStep,
    [property: JsonPropertyName("bestEvalLoss")] double BestEvalLoss,
    [property: JsonPropertyName("evalsSinceBest")] int EvalsSinceBest,
    [property: JsonPropertyName("stopped")] bool Stopped);
