using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution.Records;

/// <summary>
/// What one inference's attribution found and how, stored in the content store; its <see cref="Hash"/> is the
/// <c>record</c> hash <c>SettleAttribution</c> puts on chain. Anyone holding the adapter, the index (by
/// <see cref="IndexHash"/>) and the served texts (by <see cref="InputHash"/> and <see cref="OutputHash"/>) can recompute
/// the scores with <see cref="Method"/> and check them with <see cref="AttributionRecordVerifier"/>.
/// <para><see cref="Contributions"/> are in rank order (score descending, ties by contribution hash ascending, as
/// <see cref="AttributionWeights"/> ranks them), with their raw summed scores, shares and integer weights; the weights
/// sum to exactly <see cref="InfluenceMethod.WeightScale"/> (or the list is empty: no positive influence). A negative
/// zero score or share is stored as +0 (JSON has one zero; the two compare equal).</para>
/// <para>The constructor refuses anything a valid record cannot hold, with an <see cref="InvalidAttributionRecordException"/>;
/// <see cref="Encode"/> gives the canonical bytes and <see cref="Parse"/> accepts only those (see
/// <see cref="AttributionRecordJson"/>).</para>
/// </summary>
public sealed class AttributionRecord
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    public AttributionRecord(
        InfluenceMethod method, Hash32 indexHash, Hash32 modelId, uint modelVersion, Hash32? adapterHash,
        Hash32 inferenceId, Hash32 inputHash, Hash32 outputHash, int outputTokens,
        IReadOnlyList<AttributedContribution> contributions, IReadOnlyList<SpanEvidence> spans)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(spans);
        Method = method.Validated();
        if (outputTokens < 0) throw new InvalidAttributionRecordException(RecordFault.BadValue, $"output token count {outputTokens} < 0");
        IndexHash = indexHash;
        ModelId = modelId;
        ModelVersion = modelVersion;
        AdapterHash = adapterHash;
        InferenceId = inferenceId;
        InputHash = inputHash;
        OutputHash = outputHash;
        OutputTokens = outputTokens;
        Contributions = ValidContributions(contributions, method);
        Spans = [.. spans.Select(s => (s ?? throw new ArgumentNullException(nameof(spans))).Validated(outputTokens))];
    }

    public int Version => CurrentVersion;
    public InfluenceMethod Method { get; }
    public Hash32 IndexHash { get; }
    public Hash32 ModelId { get; }
    public uint ModelVersion { get; }
    /// <summary>The adapter's content hash when the recorder knew it (null otherwise: the model version names it on chain).</summary>
    public Hash32? AdapterHash { get; }
    public Hash32 InferenceId { get; }
    /// <summary>keccak256 of the prompt's UTF-8 bytes (<see cref="HashText"/>).</summary>
    public Hash32 InputHash { get; }
    /// <summary>keccak256 of the served output's UTF-8 bytes (<see cref="HashText"/>).</summary>
    public Hash32 OutputHash { get; }
    public int OutputTokens { get; }
    public IReadOnlyList<AttributedContribution> Contributions { get; }
    public IReadOnlyList<SpanEvidence> Spans { get; }

    /// <summary>The record of <paramref name="attribution"/>, found by an <see cref="InfluenceQuery"/> over
    /// <paramref name="index"/> (whose content-store hash is <paramref name="indexHash"/>) with
    /// <paramref name="maxAttributions"/>, for the served <paramref name="input"/> and <paramref name="output"/>.</summary>
    public static AttributionRecord ForInfluence(
        InfluenceIndex index, Hash32 indexHash, int maxAttributions, InfluenceAttribution attribution,
        Hash32 modelId, uint modelVersion, Hash32? adapterHash, Hash32 inferenceId,
        string input, string output, int outputTokens, IReadOnlyList<SpanEvidence> spans)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(attribution);
        var method = InfluenceMethod.ForIndex(index.Projection, index.Preconditioner.Kind, index.Preconditioner.Damping, maxAttributions);
        return new AttributionRecord(method, indexHash, modelId, modelVersion, adapterHash, inferenceId,
            HashText(input), HashText(output), outputTokens, attribution.Contributions, spans);
    }

    /// <summary>The hash a record names a text by: keccak256 of its UTF-8 bytes.</summary>
    public static Hash32 HashText(string text) => Keccak256.Hash(text);

    /// <summary>The canonical bytes (<see cref="AttributionRecordJson"/>).</summary>
    public byte[] Encode() => AttributionRecordJson.Encode(this);

    /// <summary>keccak256 of <see cref="Encode"/>: the hash settled on chain.</summary>
    public Hash32 Hash => Keccak256.Hash(Encode());

    /// <summary>The record these canonical bytes encode; anything else is refused (<see cref="AttributionRecordJson.Parse"/>).</summary>
    public static AttributionRecord Parse(ReadOnlySpan<byte> bytes) => AttributionRecordJson.Parse(bytes);

    private static AttributedContribution[] ValidContributions(IReadOnlyList<AttributedContribution> contributions, InfluenceMethod method)
    {
        if (contributions.Count > method.MaxAttributions)
            throw new InvalidAttributionRecordException(RecordFault.BadValue, $"{contributions.Count} contributions, more than maxAttributions {method.MaxAttributions}");
        var result = new AttributedContribution[contributions.Count];
        var seen = new HashSet<Hash32>();
        var total = 0UL;
        for (var i = 0; i < contributions.Count; i++)
        {
            var c = contributions[i] ?? throw new ArgumentNullException(nameof(contributions));
            if (!double.IsFinite(c.Score) || !double.IsFinite(c.Share))
                throw new InvalidAttributionRecordException(RecordFault.NonFiniteScore, $"contribution {c.Contribution} has score {c.Score}, share {c.Share}");
            if (c.Share is < 0 or > 1)
                throw new InvalidAttributionRecordException(RecordFault.WeightsNotAtScale, $"contribution {c.Contribution} has share {c.Share} outside [0, 1]");
            if (c.Weight > method.WeightScale)
                throw new InvalidAttributionRecordException(RecordFault.WeightsNotAtScale, $"contribution {c.Contribution} has weight {c.Weight} above the scale {method.WeightScale}");
            if (!seen.Add(c.Contribution))
                throw new InvalidAttributionRecordException(RecordFault.DuplicateContribution, $"contribution {c.Contribution} is named twice");
            result[i] = c with { Score = PositiveZero(c.Score), Share = PositiveZero(c.Share) };
            if (i > 0 && !Ranked(result[i - 1], result[i]))
                throw new InvalidAttributionRecordException(RecordFault.BadValue, $"contribution {c.Contribution} at rank {i} is out of rank order (score descending, then hash ascending)");
            total += c.Weight;
        }
        if (result.Length > 0 && total != method.WeightScale)
            throw new InvalidAttributionRecordException(RecordFault.WeightsNotAtScale, $"weights sum to {total}, not the scale {method.WeightScale}");
        return result;
    }

    private static bool Ranked(AttributedContribution before, AttributedContribution after) =>
        before.Score > after.Score || (before.Score == after.Score && before.Contribution.CompareTo(after.Contribution) < 0);

    /// <summary>-0.0 + 0.0 is +0.0; every other value is unchanged.</summary>
    internal static double PositiveZero(double value) => value + 0.0;
}
