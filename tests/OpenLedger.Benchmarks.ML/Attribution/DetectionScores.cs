namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>How well a suspicion score ranks planted (flipped) examples first: the share of them found among the top
/// x% of examples by score (ties by position, as <see cref="OpenLedger.ML.Attribution.MislabelRule"/> breaks them),
/// and the ROC AUC (Mann-Whitney, tied scores sharing their mean rank).</summary>
public static class DetectionScores
{
    public static double FoundAt(IReadOnlyList<double> scores, IReadOnlySet<int> planted, double inspectedShare)
    {
        var inspected = (int)Math.Ceiling(Math.Round(inspectedShare * scores.Count, 9));
        var top = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(inspected);
        return top.Count(planted.Contains) / (double)planted.Count;
    }

    public static double Auc(IReadOnlyList<double> scores, IReadOnlySet<int> planted)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var mean = (start + end) / 2.0 + 1;
            for (var j = start; j <= end; j++) ranks[order[j]] = mean;
            start = end + 1;
        }
        double positives = planted.Count, negatives = scores.Count - planted.Count;
        var rankSum = planted.Sum(i => ranks[i]);
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }
}
