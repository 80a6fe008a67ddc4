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

    /// <summary>φ_iᵀ P φ_i / φ_iᵀ φ_i: the direction part of self-influence, its magnitude divided out (a Rayleigh
    /// quotient of P, between P's smallest and largest eigenvalue). A gradient's size mixes how wrong the model is on
    /// the example with how large its input's activations are; this keeps only how unusual its direction is among the
    /// index's rows. A row whose gradient is all zeros scores 0: it has no direction and changed nothing.</summary>
    public static float[] Normalised(InfluenceIndex index)
    {
        var scores = new float[index.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var row = index.Row(i);
            var norm = InfluenceScan.Dot(row, row);
            scores[i] = norm > 0 ? InfluenceScan.Dot(row, index.Preconditioner.Apply(row)) / norm : 0;
            if (!float.IsFinite(scores[i])) throw new AttributionException(AttributionException.NonFiniteScore, $"example {i} has normalised self-influence {scores[i]}");
        }
        return scores;
    }

    /// <summary>loss_i × φ_iᵀ P φ_i / φ_iᵀ φ_i: the gradient's magnitude replaced by the example's own training loss
    /// (how wrong the model is on it, which does not grow with the input's activations), times the direction part
    /// (<see cref="Normalised"/>). <paramref name="losses"/> are the examples' answer losses under the indexed adapter,
    /// in row order.</summary>
    public static float[] LossWeighted(InfluenceIndex index, IReadOnlyList<double> losses)
    {
        if (losses.Count != index.Count)
            throw new AttributionException(AttributionException.DimensionMismatch, $"{losses.Count} losses for {index.Count} examples");
        var normalised = Normalised(index);
        for (var i = 0; i < normalised.Length; i++)
        {
            if (!double.IsFinite(losses[i]) || losses[i] < 0)
                throw new AttributionException(AttributionException.NonFiniteScore,
                    $"example {i} has loss {losses[i]}: a loss is a negative log-likelihood, finite and never below 0");
            normalised[i] = (float)(losses[i] * normalised[i]);
        }
        return normalised;
    }
}
