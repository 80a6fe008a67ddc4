using System.Text;
using System.Text.RegularExpressions;

namespace OpenLedger.ML.Tokenizer;

/// <summary>Learns BPE merges from a corpus, deterministically: the same corpus, size and special tokens give the
/// same merges on every machine, so a tokenizer can be rebuilt and checked against its published hash.
/// At each step the most frequent adjacent pair (counted over pre-tokenized chunks, weighted by how often each
/// chunk occurs) is merged; ties go to the pair whose (left bytes, right bytes) is lexicographically smallest, then
/// to the smaller ids.</summary>
public static class BpeTrainer
{
    /// <param name="corpus">Documents; special-token text inside them separates chunks and is not learned from.</param>
    /// <param name="vocabSize">256 bytes + merges + special tokens; training stops earlier when no pair occurs at
    /// least <paramref name="minFrequency"/> times.</param>
    public static BpeTokenizer Train(IEnumerable<string> corpus, int vocabSize, IReadOnlyList<string> specialTokens, int minFrequency = 2)
    {
        var mergesWanted = vocabSize - 256 - specialTokens.Count;
        if (mergesWanted < 0) throw new ArgumentException($"a vocabulary of {vocabSize} cannot hold 256 bytes and {specialTokens.Count} special tokens");

        var words = CountChunks(corpus, specialTokens);
        var tokenBytes = new List<byte[]>(vocabSize);
        for (var b = 0; b < 256; b++) tokenBytes.Add([(byte)b]);

        var pairCounts = new Dictionary<(int, int), long>();
        var pairWords = new Dictionary<(int, int), HashSet<int>>();
        for (var w = 0; w < words.Count; w++) AddPairs(words[w], w, +1, pairCounts, pairWords, changed: null);

        var order = Comparer<(long Count, int Left, int Right)>.Create((x, y) =>
        {
            var byCount = y.Count.CompareTo(x.Count); // most frequent first
            if (byCount != 0) return byCount;
            var byLeft = tokenBytes[x.Left].AsSpan().SequenceCompareTo(tokenBytes[y.Left]);
            if (byLeft != 0) return byLeft;
            var byRight = tokenBytes[x.Right].AsSpan().SequenceCompareTo(tokenBytes[y.Right]);
            if (byRight != 0) return byRight;
            return (x.Left, x.Right).CompareTo((y.Left, y.Right));
        });
        // A lazy heap: entries go stale when a count changes; a popped entry counts only if it still matches.
        var heap = new PriorityQueue<(int, int), (long Count, int Left, int Right)>(order);
        foreach (var (pair, count) in pairCounts) heap.Enqueue(pair, (count, pair.Item1, pair.Item2));

        var merges = new List<(int, int)>(mergesWanted);
        var changed = new HashSet<(int, int)>();
        while (merges.Count < mergesWanted && heap.TryDequeue(out var pair, out var entry))
        {
            if (!pairCounts.TryGetValue(pair, out var current) || current != entry.Count) continue;
            if (current < minFrequency) break;

            var newId = tokenBytes.Count;
            tokenBytes.Add([.. tokenBytes[pair.Item1], .. tokenBytes[pair.Item2]]);
            merges.Add(pair);
            changed.Clear();
            foreach (var w in pairWords[pair].Order().ToList())
            {
                var word = words[w];
                AddPairs(word, w, -1, pairCounts, pairWords, changed);
                words[w] = word with { Symbols = Replace(word.Symbols, pair, newId) };
                AddPairs(words[w], w, +1, pairCounts, pairWords, changed);
            }
            pairWords.Remove(pair);
            foreach (var p in changed)
                if (pairCounts.TryGetValue(p, out var count) && count > 0) heap.Enqueue(p, (count, p.Item1, p.Item2));
        }
        return new BpeTokenizer(merges, specialTokens);
    }

    private sealed record Word(int[] Symbols, long Count);

    /// <summary>Distinct chunks with their counts, in ordinal order so word indices do not depend on hash seeds.</summary>
    private static List<Word> CountChunks(IEnumerable<string> corpus, IReadOnlyList<string> specialTokens)
    {
        var split = specialTokens.Count == 0 ? null : new Regex(string.Join("|", specialTokens.Select(Regex.Escape)), RegexOptions.CultureInvariant);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var document in corpus)
        {
            var pieces = split is null ? [document] : split.Split(document);
            foreach (var piece in pieces)
                foreach (var chunk in PreTokenizer.Split(piece))
                    counts[chunk] = counts.GetValueOrDefault(chunk) + 1;
        }
        return counts.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new Word([.. Encoding.UTF8.GetBytes(c.Key).Select(b => (int)b)], c.Value))
            .ToList();
    }

    private static void AddPairs(Word word, int index, int sign, Dictionary<(int, int), long> counts,
        Dictionary<(int, int), HashSet<int>> where, HashSet<(int, int)>? changed)
    {
        var symbols = word.Symbols;
        for (var i = 0; i + 1 < symbols.Length; i++)
        {
            var pair = (symbols[i], symbols[i + 1]);
            var count = counts.GetValueOrDefault(pair) + sign * word.Count;
            if (count == 0) counts.Remove(pair);
            else counts[pair] = count;
            if (sign > 0)
            {
                if (!where.TryGetValue(pair, out var set)) where[pair] = set = [];
                set.Add(index);
            }
            changed?.Add(pair);
        }
    }

    private static int[] Replace(int[] symbols, (int Left, int Right) pair, int newId)
    {
        var result = new List<int>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right)
            {
                result.Add(newId);
                i++;
            }
            else result.Add(symbols[i]);
        }
        return [.. result];
    }
}
