using OpenLedger.ML.Corpus;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>Short prompts of 8 to 16 tokens: the start of WordNet glosses (the base model's own kind of text) through
/// its tokenizer, or, where WordNet is not installed, random ids in the vocabulary. Sequence length is what costs here
/// (above all for today's engine, which recomputes the whole sequence every step), so either serves; real text only
/// makes the outputs plausible.</summary>
public sealed class Prompts
{
    private const int MinTokens = 8;
    private const int MaxTokens = 16;
    private readonly List<long[]> _pool;

    private Prompts(string source, List<long[]> pool)
    {
        Source = source;
        _pool = pool;
    }

    public string Source { get; }

    public static Prompts Load(ITextTokenizer tokenizer, int vocabSize, int seed)
    {
        var random = new Random(seed);
        if (Directory.Exists(WordNetCorpus.DefaultDirectory))
        {
            try
            {
                var synsets = WordNetCorpus.Load().Synsets;
                // Every 97th synset: spread over nouns, verbs and adjectives rather than the first few hundred nouns.
                var pool = synsets.Where((_, i) => i % 97 == 0)
                    .Select(s => tokenizer.Encode(s.ToText()).Select(t => (long)t).ToArray())
                    .Where(t => t.Length >= MinTokens)
                    .Select(t => t[..Math.Min(t.Length, random.Next(MinTokens, MaxTokens + 1))])
                    .ToList();
                if (pool.Count > 0) return new Prompts($"WordNet glosses ({pool.Count} prompts, {MinTokens}-{MaxTokens} tokens)", pool);
            }
            catch (IOException)
            {
                // fall through to random ids
            }
        }
        var ids = Enumerable.Range(0, 512)
            .Select(_ => Enumerable.Range(0, random.Next(MinTokens, MaxTokens + 1)).Select(_ => (long)random.Next(vocabSize)).ToArray())
            .ToList();
        return new Prompts($"random ids ({ids.Count} prompts, {MinTokens}-{MaxTokens} tokens; WordNet not installed)", ids);
    }

    public IReadOnlyList<long> Next(Random random) => _pool[random.Next(_pool.Count)];
}
