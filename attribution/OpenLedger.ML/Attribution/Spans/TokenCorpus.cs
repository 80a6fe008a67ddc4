using System.Text;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.Attribution.Spans;

/// <summary>The documents of a datanet version as one token sequence for a suffix array: each document's tokens
/// followed by a separator (the id <see cref="VocabSize"/>, which no tokenizer emits), so that no match of real
/// tokens runs from one document into another. Documents keep their order; each maps to a contribution id, and the
/// distinct ids are numbered in order of first appearance, so equal inputs give equal corpora.</summary>
public sealed class TokenCorpus
{
    /// <summary>Contribution ids are stored with a 2-byte length (and a chain id is 66 characters).</summary>
    public const int MaxContributionIdBytes = ushort.MaxValue;

    internal TokenCorpus(int vocabSize, int[] text, int[] documentContributions, string[] contributionIds)
    {
        VocabSize = vocabSize;
        Text = text;
        DocumentContributions = documentContributions;
        ContributionIds = contributionIds;
    }

    /// <summary>Token ids are in [0, VocabSize); VocabSize itself is the document separator.</summary>
    public int VocabSize { get; }

    /// <summary>Every document's tokens, each followed by one separator.</summary>
    internal int[] Text { get; }

    /// <summary>For each document, the index of its contribution in <see cref="ContributionIds"/>.</summary>
    internal int[] DocumentContributions { get; }

    /// <summary>The distinct contribution ids in order of first appearance.</summary>
    public IReadOnlyList<string> ContributionIds { get; }

    public int DocumentCount => DocumentContributions.Length;

    /// <summary>Tokens of the documents, separators not counted.</summary>
    public long TokenCount => Text.LongLength - DocumentCount;

    /// <summary>A corpus of already tokenized documents. A token outside [0, <paramref name="vocabSize"/>) is refused:
    /// the index could not tell it from the separator or the stored width could not hold it.</summary>
    public static TokenCorpus Create(IEnumerable<CorpusDocument> documents, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(documents);
        // One id above the vocabulary is the separator, and the suffix array needs ids below int.MaxValue.
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vocabSize, int.MaxValue - 1);
        var list = documents.ToList();
        long length = list.Count;
        foreach (var document in list)
        {
            ArgumentNullException.ThrowIfNull(document?.Tokens, nameof(documents));
            length += document.Tokens.Length;
        }
        if (length > Array.MaxLength) throw new ArgumentException($"the corpus has {length} tokens with separators; at most {Array.MaxLength} fit");

        var text = new int[length];
        var documentContributions = new int[list.Count];
        var contributionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var contributionIds = new List<string>();
        var at = 0;
        for (var d = 0; d < list.Count; d++)
        {
            var (contributionId, tokens) = list[d];
            ArgumentNullException.ThrowIfNull(contributionId, nameof(documents));
            if (!contributionIndex.TryGetValue(contributionId, out var index))
            {
                if (Encoding.UTF8.GetByteCount(contributionId) > MaxContributionIdBytes)
                    throw new ArgumentException($"contribution id of document {d} is longer than {MaxContributionIdBytes} UTF-8 bytes");
                index = contributionIds.Count;
                contributionIndex.Add(contributionId, index);
                contributionIds.Add(contributionId);
            }
            documentContributions[d] = index;
            foreach (var token in tokens)
            {
                if ((uint)token >= (uint)vocabSize)
                    throw new ArgumentException($"document {d} (contribution {contributionId}) has token {token}, outside the vocabulary [0, {vocabSize})");
                text[at++] = token;
            }
            text[at++] = vocabSize;
        }
        return new TokenCorpus(vocabSize, text, documentContributions, [.. contributionIds]);
    }

    /// <summary>A corpus of texts tokenized by <paramref name="tokenizer"/> (the model's own, so that spans of its
    /// outputs are spans of these tokens).</summary>
    public static TokenCorpus Tokenize(IEnumerable<(string ContributionId, string Text)> documents, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Create(documents.Select(d => new CorpusDocument(d.ContributionId, tokenizer.Encode(d.Text))), tokenizer.VocabSize);
    }
}
