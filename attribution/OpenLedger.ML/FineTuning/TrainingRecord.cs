using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.ModelFactory;

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
    [property: JsonPropertyName("adapter")] TrainingRecord.AdapterInfo Adapter,
    [property: JsonPropertyName("attribution"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TrainingRecord.AttributionInfo? Attribution = null,
    [property: JsonPropertyName(TrainingRecordOwner.Member), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Owner = null)
{
    /// <summary>The format of a record whose job has an owner (started by an account's signed request, or by the
    /// operator for an account): version 4 is version 3 with the top-level <c>owner</c> member last (the address, 0x
    /// hex), which only that account may register (<see cref="TrainingRecordOwner"/>). Jobs without an owner still write
    /// version 3 records, byte for byte as before, so their re-runs and audits reproduce the registered hashes.</summary>
    public const string FormatWithOwner = "openledger-training-record/4";

    /// <summary>The format of a record with no owner: <see cref="CurrentFormat"/>, or <see cref="FormatWithOwner"/>.</summary>
    public static string FormatFor(string? owner) => owner is null ? CurrentFormat : FormatWithOwner;

    /// <summary>Version 2 adds the <c>attribution</c> section: the keccak-256 of the adapter's influence index and span
    /// index (artifacts in the content store). It is in the record, not beside it, so the hash a model registers on
    /// chain commits to the exact index its inferences are attributed with, and an auditor who re-trains the job
    /// re-derives the index too. Version 1 records (no section) still parse and re-serialize to their own bytes: the
    /// section is left out when null, so their registered hashes stay valid.</summary>
    public const string CurrentFormat = "openledger-training-record/3";

    /// <summary>Records written before harmful-data flags: version 3 adds <c>attribution.flags</c> (the contributions
    /// flagged for curators, <see cref="FlagsInfo"/>). The member is left out when null, so a /2 record parses and
    /// re-serializes to its own bytes.</summary>
    public const string FormatWithoutFlags = "openledger-training-record/2";

    /// <summary>Records written before attribution indexes existed.</summary>
    public const string FormatWithoutAttribution = "openledger-training-record/1";

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
        [property: JsonPropertyName("threads")] int Threads,
        [property: JsonPropertyName("bestStep"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BestStep = null);

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

    /// <summary>The influence index (<c>OLAI</c>) and span index (<c>OLSPANIX</c>) built for the adapter at the end of
    /// the job, over the training examples (not the held-out ones).</summary>
    public sealed record AttributionInfo(
        [property: JsonPropertyName("influenceIndex")] InfluenceIndexInfo InfluenceIndex,
        [property: JsonPropertyName("spanIndex")] SpanIndexInfo SpanIndex,
        [property: JsonPropertyName("flags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FlagsInfo? Flags = null);

    /// <summary>The contributions flagged for curators as likely harmful, by the rule stated in <c>rule</c>
    /// (<c>ContributionFlags</c>), most suspicious first.</summary>
    /// <param name="TopShare">the share of training examples the rule flags by self-influence</param>
    /// <param name="FlaggedExamples">how many training examples it flagged</param>
    /// <param name="Threshold">the smallest self-influence among them</param>
    public sealed record FlagsInfo(
        [property: JsonPropertyName("rule")] string Rule,
        [property: JsonPropertyName("topShare")] double TopShare,
        [property: JsonPropertyName("flaggedExamples")] int FlaggedExamples,
        [property: JsonPropertyName("threshold")] float Threshold,
        [property: JsonPropertyName("contributions")] IReadOnlyList<FlaggedContributionInfo> Contributions);

    /// <param name="Contribution">the contribution id (0x hex)</param>
    /// <param name="Score">its highest self-influence</param>
    public sealed record FlaggedContributionInfo(
        [property: JsonPropertyName("contribution")] string Contribution,
        [property: JsonPropertyName("examples")] int Examples,
        [property: JsonPropertyName("flaggedExamples")] int FlaggedExamples,
        [property: JsonPropertyName("score")] float Score);

    /// <param name="Rows">one per training example, in the version's approval order</param>
    /// <param name="Dimension">floats per row</param>
    public sealed record InfluenceIndexInfo(
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("rows")] int Rows,
        [property: JsonPropertyName("dimension")] int Dimension,
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("preconditioner")] string Preconditioner,
        [property: JsonPropertyName("damping")] double Damping,
        [property: JsonPropertyName("format")] string Format);

    /// <param name="Tokens">corpus tokens, document separators not counted</param>
    /// <param name="Documents">one per training example, named by its contribution</param>
    public sealed record SpanIndexInfo(
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("tokens")] long Tokens,
        [property: JsonPropertyName("documents")] int Documents,
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
