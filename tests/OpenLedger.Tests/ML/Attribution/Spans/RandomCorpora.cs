using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.Tests.ML.Attribution.Spans;

/// <summary>Seeded random corpora over small alphabets (so that spans repeat within and across documents), outputs
/// that copy pieces of them between random tokens, and the naive answers the index must agree with.</summary>
internal static class RandomCorpora
{
    public static CorpusDocument[] Documents(Random random, int vocabSize, int maxDocuments = 8, int maxLength = 30)
    {
        var documents = new CorpusDocument[random.Next(0, maxDocuments + 1)];
        for (var d = 0; d < documents.Length; d++)
        {
            var tokens = new int[random.Next(0, maxLength + 1)];
            for (var i = 0; i < tokens.Length; i++) tokens[i] = random.Next(vocabSize);
            // A few contributions hold several documents.
            documents[d] = new CorpusDocument($"c{random.Next(0, Math.Max(1, documents.Length - 1))}", tokens);
        }
        return documents;
    }

    /// <summary>An output: pieces copied from the documents (so long spans match) and random tokens, with now and then
    /// a token outside the vocabulary.</summary>
    public static int[] Output(Random random, IReadOnlyList<CorpusDocument> documents, int vocabSize, int maxLength = 40)
    {
        var output = new List<int>();
        var target = random.Next(0, maxLength + 1);
        while (output.Count < target)
        {
            var roll = random.Next(10);
            var source = documents.Count > 0 ? documents[random.Next(documents.Count)].Tokens : [];
            if (roll < 5 && source.Length > 0)
            {
                var start = random.Next(source.Length);
                output.AddRange(source.Skip(start).Take(random.Next(1, 12)));
            }
            else if (roll == 9) output.Add(random.Next(2) == 0 ? vocabSize : -1);
            else output.Add(random.Next(vocabSize));
        }
        return [.. output.Take(target)];
    }

    /// <summary>Occurrences of <paramref name="pattern"/> inside documents, by scanning every position of every one.</summary>
    public static List<(int Document, int Offset)> NaiveOccurrences(IReadOnlyList<CorpusDocument> documents, ReadOnlySpan<int> pattern)
    {
        var found = new List<(int, int)>();
        if (pattern.IsEmpty) return found;
        for (var d = 0; d < documents.Count; d++)
        {
            var tokens = documents[d].Tokens;
            for (var p = 0; p + pattern.Length <= tokens.Length; p++)
                if (tokens.AsSpan(p, pattern.Length).SequenceEqual(pattern)) found.Add((d, p));
        }
        return found;
    }

    /// <summary>The maximal spans by definition: every (start, length >= min) that occurs while neither one-token
    /// extension does.</summary>
    public static List<(int Start, int Length, int Count)> NaiveMaximalSpans(IReadOnlyList<CorpusDocument> documents, int[] output, int minLength)
    {
        bool Occurs(int start, int length) =>
            start >= 0 && start + length <= output.Length && NaiveOccurrences(documents, output.AsSpan(start, length)).Count > 0;
        var spans = new List<(int, int, int)>();
        for (var start = 0; start < output.Length; start++)
            for (var length = minLength; start + length <= output.Length; length++)
            {
                if (!Occurs(start, length)) break;
                if (!Occurs(start - 1, length + 1) && !Occurs(start, length + 1))
                    spans.Add((start, length, NaiveOccurrences(documents, output.AsSpan(start, length)).Count));
            }
        return spans;
    }
}
