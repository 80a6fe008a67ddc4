using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Records;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>The result of attributing one inference: either the record (its canonical bytes and their hash, what goes
/// into the content store and <c>SettleAttribution</c>) with the contributions and integer weights to settle (the
/// record's, in rank order: weights sum to <see cref="AttributionWeights.Scale"/>), or a <see cref="Failure"/> and
/// nothing to settle. There is no third state: a failure never carries weights.</summary>
public sealed class AttributionOutcome
{
    private AttributionOutcome(AttributionRecord? record, byte[]? recordBytes, AttributionFailure? failure)
    {
        Record = record;
        RecordBytes = recordBytes;
        RecordHash = recordBytes is null ? null : Keccak256.Hash(recordBytes);
        Failure = failure;
        Contributions = record is null ? [] : [.. record.Contributions.Select(c => c.Contribution)];
        Weights = record is null ? [] : [.. record.Contributions.Select(c => c.Weight)];
    }

    public AttributionRecord? Record { get; }

    /// <summary>The record's canonical bytes (<see cref="AttributionRecord.Encode"/>).</summary>
    public byte[]? RecordBytes { get; }

    /// <summary>keccak256 of <see cref="RecordBytes"/>: <c>SettleAttribution.record</c>.</summary>
    public Hash32? RecordHash { get; }

    /// <summary><c>SettleAttribution.contributions</c>: the record's contributions in rank order (empty on failure).</summary>
    public Hash32[] Contributions { get; }

    /// <summary><c>SettleAttribution.weights</c>, parts per million, one per contribution (empty on failure).</summary>
    public ulong[] Weights { get; }

    public AttributionFailure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static AttributionOutcome Success(AttributionRecord record) => new(record, record.Encode(), null);

    public static AttributionOutcome Failed(string code, string message) => new(null, null, new AttributionFailure(code, message));

    public static AttributionOutcome Failed(AttributionFailure failure) => new(null, null, failure);

    public override string ToString() => Succeeded ? $"attributed: {RecordHash} ({Contributions.Length} contributions)" : $"failed: {Failure}";
}
