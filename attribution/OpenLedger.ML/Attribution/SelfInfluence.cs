namespace OpenLedger.ML.Attribution;

/// <summary>Each training example's influence on itself, φ_iᵀ P φ_i: how much a gradient step on the example lowers
/// its own loss, measured in the index's preconditioned metric. An example the rest of the data disagrees with (a
/// flipped label) keeps a large, idiosyncratic gradient that no other example explains away, so its self-influence
/// is high; this is the ranking curators inspect for likely mislabels (issue 12, "Harmful data"). The score is the
/// query path's score of the example's row taken as its own query (<see cref="InfluenceIndex.Score"/>), computed from
/// the stored rows without a forward or backward pass.</summary>
public static class SelfInfluence
{
    /// <summary>φ_iᵀ P φ_i for every row of <paramref name="index"/>, in row order.</summary>
    public static float[] Of(InfluenceIndex index)
    {
        var scores = new float[index.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var row = index.Row(i);
            scores[i] = InfluenceScan.Dot(row, index.Preconditioner.Apply(row));
            if (!float.IsFinite(scores[i])) throw new AttributionException(AttributionException.NonFiniteScore, $"example {i} has self-influence {scores[i]}");
        }
        return scores;
    }
}
