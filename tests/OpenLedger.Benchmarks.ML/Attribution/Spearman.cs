namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their mean rank (so
/// a predictor that cannot tell subsets apart scores 0, not an artefact of tie order). NaN when either side is
/// constant: there is no ranking to agree with.</summary>
public static class Spearman
{
    public static double Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} values against {b.Count}");
        var ra = Ranks(a);
        var rb = Ranks(b);
        double meanA = ra.Average(), meanB = rb.Average(), cov = 0, varA = 0, varB = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            cov += (ra[i] - meanA) * (rb[i] - meanB);
            varA += (ra[i] - meanA) * (ra[i] - meanA);
            varB += (rb[i] - meanB) * (rb[i] - meanB);
        }
        return varA == 0 || varB == 0 ? double.NaN : cov / Math.Sqrt(varA * varB);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (var j = start; j <= end; j++) ranks[order[j]] = (start + end) / 2.0;
            start = end + 1;
        }
        return ranks;
    }
}
