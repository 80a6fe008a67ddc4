namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The linear datamodeling score (Park et al., TRAK, 2023): models retrained on random subsets S of the
/// training set; for each query, the Spearman correlation across subsets between the attribution's prediction for S
/// (the sum of its per-example scores over S, from the model trained on the full set) and the retrained model's
/// output on the query (here the log-probability of its correct label). LDS is the mean over queries: how well the
/// scores, read as a linear model of "what this data does to this answer", rank unseen training sets.</summary>
public static class LinearDatamodeling
{
    /// <summary><paramref name="subsets"/> seeded random subsets of exactly <c>round(share × count)</c> examples each.</summary>
    public static bool[][] Subsets(int count, int subsets, double share, int seed)
    {
        var random = new Random(seed);
        var size = (int)Math.Round(share * count);
        return Enumerable.Range(0, subsets).Select(_ =>
        {
            var member = new bool[count];
            foreach (var i in Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(size)) member[i] = true;
            return member;
        }).ToArray();
    }

    /// <summary>Per query, the Spearman correlation between Σ_{i∈S} score[q][i] and output[S][q] across the subsets S
    /// (NaN where one side is constant; <see cref="Mean"/> leaves those out and says how many).</summary>
    public static double[] PerQuery(IReadOnlyList<double[]> scores, IReadOnlyList<bool[]> subsets, IReadOnlyList<double[]> outputs)
    {
        if (outputs.Count != subsets.Count) throw new ArgumentException($"{outputs.Count} retrained outputs for {subsets.Count} subsets");
        return scores.Select((score, q) =>
        {
            var predicted = subsets.Select(member => member.Select((m, i) => m ? score[i] : 0).Sum()).ToArray();
            return Spearman.Of(predicted, outputs.Select(o => o[q]).ToArray());
        }).ToArray();
    }

    /// <summary>The mean of the defined per-query correlations, its 95% normal interval half-width, and the count of
    /// queries left out as undefined.</summary>
    public static (double Mean, double HalfWidth, int Undefined) Mean(IReadOnlyList<double> perQuery)
    {
        var defined = perQuery.Where(double.IsFinite).ToList();
        if (defined.Count == 0) return (double.NaN, double.NaN, perQuery.Count);
        var mean = defined.Average();
        var sd = defined.Count > 1 ? Math.Sqrt(defined.Sum(v => (v - mean) * (v - mean)) / (defined.Count - 1)) : 0;
        return (mean, 1.96 * sd / Math.Sqrt(defined.Count), perQuery.Count - defined.Count);
    }
}
