using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Attribution.Spans;
using static OpenLedger.Tests.ML.Attribution.Records.RecordSamples;

namespace OpenLedger.Tests.ML.Attribution.Records;

public class AttributionRecordVerifierTests
{
    private static RecordVerification Verify((Hash32, double)[] scores, SpanMatch[]? spans = null) =>
        AttributionRecordVerifier.Verify(AttributionRecord.Parse(Fixed().Encode()), scores, spans ?? FixedSpans);

    [Fact]
    public void The_same_scores_and_spans_verify_exactly_after_a_round_trip_through_bytes()
    {
        Assert.Equal(RecordVerification.Exact, Verify(FixedScores));
        for (var trial = 0; trial < 200; trial++)
        {
            var (record, scores, spans) = RecordSamples.Random(new Random(1000 + trial));
            var verdict = AttributionRecordVerifier.Verify(AttributionRecord.Parse(record.Encode()), scores, spans);
            Assert.True(verdict.IsExact, verdict.ToString());
        }
    }

    [Fact]
    public void A_score_changed_by_one_ulp_is_a_difference()
    {
        var scores = FixedScores.ToArray();
        scores[0] = (scores[0].Item1, Math.BitIncrement(scores[0].Item2));
        var verdict = Verify(scores);
        Assert.False(verdict.IsExact);
        Assert.Contains($"({Contribution(0)}): score 0.5 recorded, 0.5000000000000001 recomputed", verdict.Difference);
    }

    [Fact]
    public void A_changed_order_is_a_difference()
    {
        // Contribution 0 and 4 swap scores: the same contributions are paid, in another order.
        var scores = FixedScores.ToArray();
        (scores[0], scores[4]) = ((scores[0].Item1, scores[4].Item2), (scores[4].Item1, scores[0].Item2));
        var verdict = Verify(scores);
        Assert.False(verdict.IsExact);
        Assert.Contains($"rank 0: the record names {Contribution(0)}, the recomputation {Contribution(4)}", verdict.Difference);
    }

    [Fact]
    public void A_missing_or_an_extra_contribution_is_named()
    {
        // A contribution the record left out: recomputed with a positive score high enough to be in the top 4.
        var missing = Verify([.. FixedScores.Where(s => s.Contribution != Contribution(5)), (Contribution(5), 0.1)]);
        Assert.False(missing.IsExact);
        Assert.Contains($"the record lacks {Contribution(5)}, recomputed at rank 2 with score 0.1", missing.Difference);
        // A contribution the recomputation does not pay (its score is now negative).
        var extra = Verify([.. FixedScores.Where(s => s.Contribution != Contribution(1)), (Contribution(1), -1.0)]);
        Assert.False(extra.IsExact);
        Assert.Contains($"the record names {Contribution(1)}, which the recomputation does not pay", extra.Difference);
    }

    [Fact]
    public void Different_span_matches_are_a_difference()
    {
        Assert.Contains("span 1: [5, +2) x1 recorded, [5, +2) x2 recomputed",
            Verify(FixedScores, [FixedSpans[0], FixedSpans[1] with { Count = 2 }]).Difference);
        Assert.Contains("span 0: contributions [0x01, contribution \u00e9] recorded, [0x01] recomputed",
            Verify(FixedScores, [FixedSpans[0] with { Occurrences = [.. FixedSpans[0].Occurrences.Take(1)] }, FixedSpans[1]]).Difference);
        Assert.Contains("2 spans recorded, 1 recomputed", Verify(FixedScores, [FixedSpans[0]]).Difference);
    }

    [Fact]
    public void Scores_that_cannot_be_attributed_are_a_difference_not_a_crash()
    {
        var verdict = Verify([.. FixedScores.Take(5), (Contribution(5), double.NaN)]);
        Assert.False(verdict.IsExact);
        Assert.Contains("NonFiniteScore", verdict.Difference);
        Assert.False(Verify([]).IsExact);
    }
}
