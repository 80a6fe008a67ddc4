using OpenLedger.ML.Evaluation;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>The text-similarity baseline of the truthfulness benchmarks: Okapi BM25 (k1 1.2, b 0.75, the Lucene idf
/// ln(1 + (N - df + 0.5) / (df + 0.5))) of a query against every training example. A document is an example's words
/// (the bag-of-words baseline's tokens) and its label as one extra term, a query the held-out text and its correct
/// label the same way, as the GPT-2 fine-tune baselines score prompt and completion together: an example that shares
/// the query's words and label scores highest.</summary>
public sealed class Bm25
{
    private const double K1 = 1.2, B = 0.75;
    private readonly List<Dictionary<string, int>> _documents;
    private readonly Dictionary<string, int> _frequency = new(StringComparer.Ordinal);
    private readonly double _meanLength;

    public Bm25(IEnumerable<(string Text, string Label)> documents)
    {
        _documents = documents.Select(d => Terms(d.Text, d.Label).GroupBy(t => t, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)).ToList();
        if (_documents.Count == 0) throw new ArgumentException("no documents to score against");
        foreach (var term in _documents.SelectMany(d => d.Keys)) _frequency[term] = _frequency.GetValueOrDefault(term) + 1;
        _meanLength = _documents.Average(d => d.Values.Sum());
    }

    /// <summary>Every document's BM25 score for the query, in document order.</summary>
    public double[] Score(string text, string label)
    {
        var query = Terms(text, label).Distinct(StringComparer.Ordinal).ToList();
        var scores = new double[_documents.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var document = _documents[i];
            var length = document.Values.Sum();
            foreach (var term in query)
            {
                if (!document.TryGetValue(term, out var count)) continue;
                var idf = Math.Log(1 + (_documents.Count - _frequency[term] + 0.5) / (_frequency[term] + 0.5));
                scores[i] += idf * count * (K1 + 1) / (count + K1 * (1 - B + B * length / _meanLength));
            }
        }
        return scores;
    }

    // The label as one term no word can equal (the tokens are lower-case letters and digits).
    private static IEnumerable<string> Terms(string text, string label) => BagOfWordsLogisticRegression.Tokens(text).Append("LABEL=" + label);
}
