using OpenLedger.ML.Attribution;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>Two rescalings of self-influence tried against mislabels and measured by attribution-mislabel (README,
/// "Attribution: mislabeled detection"): both rank worse than plain φᵀPφ, so they stay here, beside the measurement,
/// and not in the engine's <see cref="SelfInfluence"/>. The idea was that a gradient's size mixes how wrong the model
/// is on an example with how large its input's activations are.</summary>
public static class SelfInfluenceVariants
{
    /// <summary>φᵀPφ / φᵀφ: the direction part alone, a Rayleigh quotient of P (0 for an all-zero row).</summary>
    public static double[] DirectionOnly(InfluenceIndex index)
    {
        var self = SelfInfluence.Of(index);
        return self.Select((s, i) =>
        {
            var row = index.Row(i);
            var norm = InfluenceScan.Dot(row, row);
            return norm > 0 ? s / (double)norm : 0;
        }).ToArray();
    }

    /// <summary>loss × φᵀPφ / φᵀφ: the gradient's size replaced by the example's own answer loss.</summary>
    public static double[] LossTimesDirection(InfluenceIndex index, IReadOnlyList<double> losses) =>
        DirectionOnly(index).Select((d, i) => losses[i] * d).ToArray();
}
