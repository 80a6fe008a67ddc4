namespace OpenLedger.ML.Attribution.Inference;

/// <summary>Why an inference could not be attributed: stable codes a worker logs, stores and shows, and an operator
/// matches on. Every failure leaves the inference unsettled (no weights at all, never a partial list): the chain's
/// deadline rule then refunds the caller when it expires.</summary>
public static class AttributionFailureCode
{
    /// <summary>The model version names no training record (zero hash), or the store does not hold its bytes.</summary>
    public const string NoTrainingRecord = "NoTrainingRecord";

    /// <summary>The training record bytes do not hash to the hash the model version registered.</summary>
    public const string TrainingRecordHashMismatch = "TrainingRecordHashMismatch";

    /// <summary>The training record bytes are not a training record (not JSON, missing sections, a bad hash in them).</summary>
    public const string TrainingRecordCorrupt = "TrainingRecordCorrupt";

    /// <summary>A format /1 training record: written before attribution indexes existed, it names none.</summary>
    public const string TrainingRecordWithoutIndex = "TrainingRecordWithoutIndex";

    /// <summary>The influence index named by the training record is not in the content store.</summary>
    public const string IndexMissing = "IndexMissing";

    /// <summary>The influence index bytes do not hash to the keccak the training record names.</summary>
    public const string IndexHashMismatch = "IndexHashMismatch";

    /// <summary>The influence index bytes hash right but do not parse (or hold non-finite values).</summary>
    public const string IndexCorrupt = "IndexCorrupt";

    /// <summary>The influence index was built for another adapter shape or projection than the adapter's.</summary>
    public const string IndexAdapterMismatch = "IndexAdapterMismatch";

    /// <summary>The span index named by the training record is not in the content store.</summary>
    public const string SpanIndexMissing = "SpanIndexMissing";

    /// <summary>The span index bytes do not hash to the keccak the training record names.</summary>
    public const string SpanIndexHashMismatch = "SpanIndexHashMismatch";

    /// <summary>The span index bytes hash right but do not parse.</summary>
    public const string SpanIndexCorrupt = "SpanIndexCorrupt";

    /// <summary>The adapter artifact is not in the content store.</summary>
    public const string AdapterMissing = "AdapterMissing";

    /// <summary>The adapter bytes do not hash to the model version's adapter, or the training record names another adapter.</summary>
    public const string AdapterHashMismatch = "AdapterHashMismatch";

    /// <summary>The adapter bytes are not a LoRA adapter for this base model (bad safetensors, shapes, mixed ranks).</summary>
    public const string AdapterCorrupt = "AdapterCorrupt";

    /// <summary>The training record names another base model than the one this attributor holds.</summary>
    public const string BaseModelMismatch = "BaseModelMismatch";

    /// <summary>The training record's task is not the inference's task: its rows would be built in another format.</summary>
    public const string TaskMismatch = "TaskMismatch";

    /// <summary>The served output cannot be scored: empty or blank, or its row does not fit the model's context
    /// (a truncated answer would attribute something other than what was served).</summary>
    public const string OutputNotRescorable = "OutputNotRescorable";

    /// <summary>maxAttributions below 1.</summary>
    public const string BadMaxAttributions = "BadMaxAttributions";

    /// <summary>Every contribution's summed influence is zero or negative: no training data made the answer more
    /// likely, so nobody is paid, and the inference is left to the chain's expiry and refund rule.</summary>
    public const string NoPositiveInfluence = "NoPositiveInfluence";

    /// <summary>A NaN or infinite gradient or score: nothing can be paid on it.</summary>
    public const string NonFiniteScore = "NonFiniteScore";

    /// <summary>Anything else that went wrong inside the engine (a bug or an exhausted resource), reported rather than thrown.</summary>
    public const string Internal = "Internal";

    /// <summary>Every code, for tests and documentation.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        NoTrainingRecord, TrainingRecordHashMismatch, TrainingRecordCorrupt, TrainingRecordWithoutIndex, IndexMissing, IndexHashMismatch,
        IndexCorrupt, IndexAdapterMismatch, SpanIndexMissing, SpanIndexHashMismatch, SpanIndexCorrupt, AdapterMissing, AdapterHashMismatch,
        AdapterCorrupt, BaseModelMismatch, TaskMismatch, OutputNotRescorable, BadMaxAttributions, NoPositiveInfluence, NonFiniteScore, Internal,
    ];
}
