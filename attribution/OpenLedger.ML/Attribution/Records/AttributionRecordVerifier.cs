using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.ML.Attribution.Records;

/// <summary>
/// Checks a record against a fresh recomputation: the per-contribution scores (every contribution in the index, as
/// <see cref="InfluenceQuery.Attribute"/> sums them) are turned into weights by the record's rule again and compared
/// rank by rank (contribution, score, share, weight), then the span matches (position, length, count, listed
/// contributions; the span text is not recomputed here, it is the recorder's rendering of tokens the position
/// already names).
/// <para>Floating-point values must be bit-identical (after +0/-0 are folded, as the record folds them), not merely
/// close: the contract is that attribution is deterministic (one thread, the same adapter, index and libtorch build
/// give the same bits), so any difference at all means the record was not produced by this computation, and a tolerance
/// would let a forger nudge weights inside it.</para>
/// </summary>
public static class AttributionRecordVerifier
{
    public static RecordVerification Verify(
        AttributionRecord record, IReadOnlyList<(Hash32 Contribution, double Score)> scores, IReadOnlyList<SpanMatch> spans)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(spans);
        if (record.Method.WeightScale != AttributionWeights.Scale)
            return RecordVerification.Different($"the record's weight scale {record.Method.WeightScale} is not this engine's {AttributionWeights.Scale}");
        IReadOnlyList<AttributedContribution> fresh;
        try
        {
            fresh = AttributionWeights.From([.. scores.Select(s => s.Contribution)], [.. scores.Select(s => s.Score)], record.Method.MaxAttributions);
        }
        catch (AttributionException e)
        {
            return RecordVerification.Different($"the recomputed scores cannot be attributed: {e.Message}");
        }
        return CompareContributions(record.Contributions, fresh) ?? CompareSpans(record.Spans, spans) ?? RecordVerification.Exact;
    }

    private static RecordVerification? CompareContributions(IReadOnlyList<AttributedContribution> recorded, IReadOnlyList<AttributedContribution> fresh)
    {
        // Who is paid comes first: a contribution missing or extra changes every share, and naming it says more than
        // the first share that moved.
        var recordedSet = recorded.Select(r => r.Contribution).ToHashSet();
        var freshSet = fresh.Select(f => f.Contribution).ToHashSet();
        if (fresh.Select((f, i) => (f, i)).FirstOrDefault(x => !recordedSet.Contains(x.f.Contribution)) is ({ } lacking, var at))
            return RecordVerification.Different($"the record lacks {lacking.Contribution}, recomputed at rank {at} with score {R(lacking.Score)}");
        if (recorded.FirstOrDefault(r => !freshSet.Contains(r.Contribution)) is { } extra)
            return RecordVerification.Different($"the record names {extra.Contribution}, which the recomputation does not pay");
        for (var i = 0; i < recorded.Count; i++)
        {
            var (r, f) = (recorded[i], fresh[i]);
            if (r.Contribution != f.Contribution)
                return RecordVerification.Different($"rank {i}: the record names {r.Contribution}, the recomputation {f.Contribution}");
            if (!SameBits(r.Score, f.Score))
                return RecordVerification.Different($"rank {i} ({r.Contribution}): score {R(r.Score)} recorded, {R(f.Score)} recomputed");
            if (!SameBits(r.Share, f.Share))
                return RecordVerification.Different($"rank {i} ({r.Contribution}): share {R(r.Share)} recorded, {R(f.Share)} recomputed");
            if (r.Weight != f.Weight)
                return RecordVerification.Different($"rank {i} ({r.Contribution}): weight {r.Weight} recorded, {f.Weight} recomputed");
        }
        return null;
    }

    private static RecordVerification? CompareSpans(IReadOnlyList<SpanEvidence> recorded, IReadOnlyList<SpanMatch> matches)
    {
        for (var i = 0; i < Math.Min(recorded.Count, matches.Count); i++)
        {
            var (r, f) = (recorded[i], SpanEvidence.From(matches[i]));
            if (r.Start != f.Start || r.Length != f.Length || r.Count != f.Count)
                return RecordVerification.Different($"span {i}: [{r.Start}, +{r.Length}) x{r.Count} recorded, [{f.Start}, +{f.Length}) x{f.Count} recomputed");
            if (!r.Contributions.SequenceEqual(f.Contributions, StringComparer.Ordinal))
                return RecordVerification.Different($"span {i}: contributions [{string.Join(", ", r.Contributions)}] recorded, [{string.Join(", ", f.Contributions)}] recomputed");
        }
        return recorded.Count == matches.Count
            ? null
            : RecordVerification.Different($"{recorded.Count} spans recorded, {matches.Count} recomputed");
    }

    private static bool SameBits(double recorded, double fresh) =>
        BitConverter.DoubleToInt64Bits(recorded) == BitConverter.DoubleToInt64Bits(AttributionRecord.PositiveZero(fresh));

    private static string R(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
