using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.FineTuning;

/// <summary>
/// What a Model Factory job did, as the document whose keccak256 a model registers on chain as its training record:
/// the base model, the datanet version (id, number, Merkle root), the hyperparameters and seed, the data actually used,
/// the metrics and the adapter artifact's hash. It holds no clock readings or host names, so a re-run of the same job
/// produces the same bytes and hash: anyone can audit a registered model by training it again.
/// </summary>
public sealed record TrainingRecord(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("baseModel")] TrainingRecord.BaseModelInfo BaseModel,
    [property: JsonPropertyName("dataset")] TrainingRecord.DatasetInfo Dataset,
    [property: JsonPropertyName("hyperparameters")] FineTuneSpec Hyperparameters,
    [property: JsonPropertyName("training")] TrainingRecord.RunInfo Training,
    [property: JsonPropertyName("metrics")] TrainingRecord.MetricsInfo Metrics,
    [property: JsonPropertyName("adapter")] TrainingRecord.AdapterInfo Adapter)
{
    public const string CurrentFormat = "openledger-training-record/1";

    public sealed record BaseModelInfo(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("weightsKeccak")] string WeightsKeccak,
        [property: JsonPropertyName("tokenizerKeccak")] string TokenizerKeccak);

    public sealed record DatasetInfo(
        [property: JsonPropertyName("datanet")] string Datanet,
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("versionNumber")] uint VersionNumber,
        [property: JsonPropertyName("root")] string Root,
        [property: JsonPropertyName("task")] string Task,
        [property: JsonPropertyName("examples")] int Examples,
        [property: JsonPropertyName("trainExamples")] int TrainExamples,
        [property: JsonPropertyName("heldOutExamples")] int HeldOutExamples,
        [property: JsonPropertyName("heldOutRule")] string HeldOutRule,
        [property: JsonPropertyName("skipped")] IReadOnlyList<SkippedInfo> Skipped);

    public sealed record SkippedInfo(
        [property: JsonPropertyName("content")] string Content,
        [property: JsonPropertyName("reason")] string Reason);

    public sealed record RunInfo(
        [property: JsonPropertyName("steps")] int Steps,
        [property: JsonPropertyName("warmupSteps")] int WarmupSteps,
        [property: JsonPropertyName("tokensTrained")] long TokensTrained,
        [property: JsonPropertyName("finalTrainLoss")] double FinalTrainLoss,
        [property: JsonPropertyName("optimizer")] string Optimizer,
        [property: JsonPropertyName("threads")] int Threads);

    /// <param name="BaseAccuracy">text-label only: held-out accuracy of the base model, labels scored by likelihood</param>
    /// <param name="Accuracy">text-label only: the same for the fine-tuned model</param>
    /// <param name="AccuracyExamples">text-label only: how many held-out texts were scored (at most
    /// <see cref="FineTuneRun.MaxAccuracyExamples"/>)</param>
    public sealed record MetricsInfo(
        [property: JsonPropertyName("heldOutLossBefore")] double? HeldOutLossBefore,
        [property: JsonPropertyName("heldOutLossAfter")] double? HeldOutLossAfter,
        [property: JsonPropertyName("baseAccuracy")] double? BaseAccuracy,
        [property: JsonPropertyName("accuracy")] double? Accuracy,
        [property: JsonPropertyName("labels")] int? Labels,
        [property: JsonPropertyName("accuracyExamples")] int? AccuracyExamples);

    public sealed record AdapterInfo(
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("parameters")] long Parameters,
        [property: JsonPropertyName("format")] string Format);

    private static readonly JsonSerializerOptions Canonical = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The record's bytes: compact UTF-8 JSON, members in declaration order, numbers in shortest round-trip
    /// form. Its keccak256 is the hash registered on chain.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Canonical);

    public Hash32 Hash() => Keccak256.Hash(ToBytes());

    public static TrainingRecord Parse(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<TrainingRecord>(bytes, Canonical) ?? throw new InvalidDataException("empty training record");
}
