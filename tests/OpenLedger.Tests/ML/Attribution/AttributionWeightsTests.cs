using CsCheck;
using OpenLedger.ML.Attribution;
using static OpenLedger.Tests.ML.Attribution.AttributionFixture;

namespace OpenLedger.Tests.ML.Attribution;

public class AttributionWeightsTests
{
    [Fact]
    public void Weights_are_nonnegative_sum_to_the_scale_name_at_most_max_entries_and_only_positive_scores()
    {
        Gen.Select(Gen.Double[-5, 5].Array[1, 40], Gen.Int[1, 12]).Sample((scores, max) =>
        {
            var contributions = Enumerable.Range(0, scores.Length).Select(Contribution).ToList();
            var result = AttributionWeights.From(contributions, scores, max);
            var positive = scores.Count(s => s > 0);
            Assert.Equal(Math.Min(max, positive), result.Count);
            Assert.All(result, r => Assert.True(r.Score > 0 && r.Share > 0));
            if (result.Count == 0) return;
            Assert.Equal(AttributionWeights.Scale, result.Aggregate(0UL, (a, r) => a + r.Weight));
            Assert.Equal(1.0, result.Sum(r => r.Share), 9);
            // Ranked by score; the kept ones are the largest positive scores; shares keep the ratios of scores.
            Assert.True(result.Zip(result.Skip(1)).All(p => p.First.Score >= p.Second.Score));
            var threshold = result[^1].Score;
            Assert.True(scores.Count(s => s > threshold) <= result.Count);
            Assert.All(result, r => Assert.Equal(r.Score / result[0].Score, r.Share / result[0].Share, 9));
            Assert.All(result, r => Assert.True(Math.Abs((double)r.Weight - r.Share * AttributionWeights.Scale) < 1.0 + 1e-6));
        });
    }

    [Fact]
    public void The_tail_beyond_max_attributions_is_dropped_and_the_kept_scores_renormalised()
    {
        var contributions = Enumerable.Range(0, 5).Select(Contribution).ToList();
        var result = AttributionWeights.From(contributions, [3.0, -1.0, 1.0, 0.5, 0.0], maxAttributions: 2);
        Assert.Equal([contributions[0], contributions[2]], result.Select(r => r.Contribution));
        Assert.Equal([0.75, 0.25], result.Select(r => r.Share));
        Assert.Equal([750_000UL, 250_000UL], result.Select(r => r.Weight));
    }

    [Fact]
    public void Equal_scores_are_ranked_by_contribution_hash_and_rounding_units_go_to_the_largest_remainders()
    {
        var contributions = Enumerable.Range(0, 3).Select(Contribution).ToList();
        var result = AttributionWeights.From(contributions, [1.0, 1.0, 1.0], maxAttributions: 3);
        Assert.Equal(contributions.Order().ToList(), result.Select(r => r.Contribution).ToList());
        Assert.Equal([333_334UL, 333_333UL, 333_333UL], result.Select(r => r.Weight));
    }

    [Fact]
    public void No_positive_influence_names_nobody()
    {
        var contributions = Enumerable.Range(0, 3).Select(Contribution).ToList();
        Assert.Empty(AttributionWeights.From(contributions, [-1.0, 0.0, -0.5], 3));
    }

    [Fact]
    public void Bad_input_is_refused_with_a_stable_code()
    {
        var contributions = Enumerable.Range(0, 2).Select(Contribution).ToList();
        Assert.Equal(AttributionException.BadMaxAttributions, Assert.Throws<AttributionException>(() => AttributionWeights.From(contributions, [1.0, 2.0], 0)).Code);
        Assert.Equal(AttributionException.DimensionMismatch, Assert.Throws<AttributionException>(() => AttributionWeights.From(contributions, [1.0], 2)).Code);
        Assert.Equal(AttributionException.EmptyIndex, Assert.Throws<AttributionException>(() => AttributionWeights.From([], [], 2)).Code);
        Assert.Equal(AttributionException.NonFiniteScore, Assert.Throws<AttributionException>(() => AttributionWeights.From(contributions, [double.NaN, 1.0], 2)).Code);
    }
}
