using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution;

/// <summary>
/// Turns per-contribution influence scores into the weights an inference fee is split by.
/// <para>The rule: only contributions with a positive score are paid (a negative score means training on it made the
/// served answer less likely: it did not help, and nobody is charged for it either); they are ranked by score
/// (ties by contribution hash, ascending); the top <c>maxAttributions</c> are kept and the tail is DROPPED, and each
/// kept contribution's share is its score over the kept scores' sum. The tail is not summed into the top entries:
/// that would pay the top contributors for influence that was not theirs, while renormalising over the kept ones keeps
/// every ratio between two paid contributions equal to the ratio of their influence. No positive score: no
/// contribution is named (the result is empty).</para>
/// <para>Integer weights are parts per <see cref="Scale"/>: floor(share × Scale), then the units left over go one each
/// to the largest remainders (ties to the earlier-ranked), so the weights sum to exactly Scale and are deterministic. A
/// share below 1/Scale may get weight 0.</para>
/// </summary>
public static class AttributionWeights
{
    /// <summary>Weights are parts per million.</summary>
    public const ulong Scale = 1_000_000;

    public static IReadOnlyList<AttributedContribution> From(IReadOnlyList<Hash32> contributions, ReadOnlySpan<double> scores, int maxAttributions)
    {
        if (maxAttributions < 1)
            throw new AttributionException(AttributionException.BadMaxAttributions, $"maxAttributions must be at least 1, got {maxAttributions}");
        if (scores.Length != contributions.Count)
            throw new AttributionException(AttributionException.DimensionMismatch, $"{scores.Length} scores for {contributions.Count} contributions");
        if (contributions.Count == 0) throw new AttributionException(AttributionException.EmptyIndex, "no contributions to attribute to");
        var positive = new List<(Hash32 Contribution, double Score)>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i])) throw new AttributionException(AttributionException.NonFiniteScore, $"contribution {contributions[i]} scored {scores[i]}");
            if (scores[i] > 0) positive.Add((contributions[i], scores[i]));
        }
        var kept = positive.OrderByDescending(p => p.Score).ThenBy(p => p.Contribution).Take(maxAttributions).ToList();
        if (kept.Count == 0) return [];
        var total = kept.Sum(k => k.Score);
        var shares = kept.Select(k => k.Score / total).ToArray();
        var weights = shares.Select(s => (ulong)Math.Floor(s * Scale)).ToArray();
        var assigned = weights.Aggregate(0UL, (a, w) => a + w);
        // Σ floor(share × Scale) ≤ Scale up to float rounding of the shares, which cannot add a whole unit.
        if (assigned > Scale) throw new InvalidOperationException($"weights floor to {assigned} > {Scale}");
        var left = Scale - assigned;
        var byRemainder = Enumerable.Range(0, kept.Count).OrderByDescending(i => shares[i] * Scale - weights[i]).ThenBy(i => i).ToList();
        for (var j = 0; left > 0; j = (j + 1) % kept.Count, left--) weights[byRemainder[j]]++;
        return kept.Select((k, i) => new AttributedContribution(k.Contribution, k.Score, shares[i], weights[i])).ToList();
    }
}
