namespace OpenLedger.ML.Attribution.Inference;

/// <summary>Why an audit found a settled attribution not exact: stable codes (<see cref="AuditVerdict.Reason"/>).</summary>
public static class AuditReason
{
    /// <summary>The inference has no settlement on chain (nothing to audit).</summary>
    public const string NotSettled = "NotSettled";

    /// <summary>The record named on chain is not in the content store.</summary>
    public const string RecordMissing = "RecordMissing";

    /// <summary>The record bytes do not hash to the record hash settled on chain.</summary>
    public const string RecordHashMismatch = "RecordHashMismatch";

    /// <summary>The record bytes are not a canonical attribution record.</summary>
    public const string RecordCorrupt = "RecordCorrupt";

    /// <summary>The record names another inference, model, version, adapter, index, input or output than the chain and
    /// the training record do.</summary>
    public const string RecordFactsMismatch = "RecordFactsMismatch";

    /// <summary>The contributions or weights settled on chain are not the record's (order, ids or values).</summary>
    public const string OnChainWeightsMismatch = "OnChainWeightsMismatch";

    /// <summary>The attribution cannot be recomputed from the content (a missing or bad artifact: the message carries the
    /// attributor's <see cref="AttributionFailureCode"/>).</summary>
    public const string NotRecomputable = "NotRecomputable";

    /// <summary>The recomputed scores, shares, weights or spans differ from the record's.</summary>
    public const string ScoresDiffer = "ScoresDiffer";

    /// <summary>Everything the verifier compares matches, but the recomputed record is other bytes (the method's
    /// parameters, the span texts or the output token count).</summary>
    public const string RecordBytesDiffer = "RecordBytesDiffer";
}
