using OpenLedger.ML.Evaluation;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The bag-of-words baseline for mislabel detection: each example's TF-IDF vector (the logistic regression
/// baseline's word tokens, log-scaled term counts, smoothed idf, unit length), its k nearest other examples by
/// cosine, and the fraction of them whose label differs from its own. A flipped label disagrees with the neighbours
/// that share its words.</summary>
public static class NeighbourDisagreement
{
    public static double[] Scores(IReadOnlyList<string> texts, IReadOnlyList<string> labels, int k)
    {
        var documents = texts.Select(t => BagOfWordsLogisticRegression.Tokens(t).GroupBy(w => w, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => 1 + Math.Log(g.Count()), StringComparer.Ordinal)).ToList();
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in documents.SelectMany(d => d.Keys)) frequency[word] = frequency.GetValueOrDefault(word) + 1;
        var vectors = documents.Select(d =>
        {
            var weighted = d.ToDictionary(p => p.Key, p => p.Value * (Math.Log((1.0 + texts.Count) / (1 + frequency[p.Key])) + 1), StringComparer.Ordinal);
            var norm = Math.Sqrt(weighted.Values.Sum(v => v * v));
            return weighted.ToDictionary(p => p.Key, p => norm > 0 ? p.Value / norm : 0, StringComparer.Ordinal);
        }).ToList();
        var scores = new double[texts.Count];
        var similarity = new double[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = 0; j < texts.Count; j++)
            {
                if (j == i) { similarity[j] = double.NegativeInfinity; continue; }
                var (small, large) = vectors[i].Count <= vectors[j].Count ? (vectors[i], vectors[j]) : (vectors[j], vectors[i]);
                var dot = 0.0;
                foreach (var (word, value) in small) if (large.TryGetValue(word, out var other)) dot += value * other;
                similarity[j] = dot;
            }
            var neighbours = Enumerable.Range(0, texts.Count).OrderByDescending(j => similarity[j]).ThenBy(j => j).Take(k).ToList();
            scores[i] = neighbours.Count(j => !string.Equals(labels[j], labels[i], StringComparison.Ordinal)) / (double)neighbours.Count;
        }
        return scores;
    }
}
