namespace OpenLedger.ML.Attribution.Spans;

/// <summary>A suffix array over a <see cref="TokenCorpus"/> (infini-gram's design): the corpus tokens at 2 bytes each
/// when the vocabulary fits (4 otherwise) and one 4-byte suffix position per token, so 6 bytes per token for every
/// vocabulary up to 65,535 ids, plus one separator per document and 4 bytes per document for its contribution. Any
/// token sequence is counted and located with two binary searches over the suffixes (O(m log n) for m tokens);
/// <see cref="FindSpans"/> finds the maximal spans of an output that occur verbatim.
/// Immutable once built, so queries may run on any number of threads.</summary>
public sealed class SpanIndex
{
    private readonly ushort[]? _narrow;
    private readonly uint[]? _wide;
    private readonly int[] _suffixArray;
    private readonly int[] _documentStarts;
    private readonly int[] _documentContributions;
    private readonly string[] _contributionIds;

    internal SpanIndex(int vocabSize, ushort[]? narrow, uint[]? wide, int[] suffixArray, int[] documentContributions, string[] contributionIds)
    {
        VocabSize = vocabSize;
        _narrow = narrow;
        _wide = wide;
        _suffixArray = suffixArray;
        _documentContributions = documentContributions;
        _contributionIds = contributionIds;
        _documentStarts = new int[documentContributions.Length];
        // A document starts after the previous one's separator.
        var document = 0;
        for (var i = 0; i < suffixArray.Length && document < _documentStarts.Length; i++)
            if (TokenAt(i) == vocabSize && ++document < _documentStarts.Length) _documentStarts[document] = i + 1;
    }

    /// <summary>Token ids are in [0, VocabSize); VocabSize is the document separator.</summary>
    public int VocabSize { get; }

    /// <summary>Bytes per stored token: 2 when the separator (= <see cref="VocabSize"/>) fits in 16 bits, else 4.</summary>
    public int TokenWidth => _narrow is not null ? 2 : 4;

    /// <summary>Corpus tokens with one separator per document: the suffix array's length.</summary>
    public int TextLength => _suffixArray.Length;

    public int DocumentCount => _documentContributions.Length;

    /// <summary>Corpus tokens, separators not counted.</summary>
    public long TokenCount => (long)TextLength - DocumentCount;

    public IReadOnlyList<string> ContributionIds => _contributionIds;

    internal ushort[]? NarrowTokens => _narrow;
    internal uint[]? WideTokens => _wide;
    internal int[] Suffixes => _suffixArray;
    internal int[] DocumentContributions => _documentContributions;

    public static SpanIndex Build(TokenCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var suffixArray = SuffixArray.Build(corpus.Text, corpus.VocabSize + 1);
        ushort[]? narrow = null;
        uint[]? wide = null;
        if (corpus.VocabSize <= ushort.MaxValue) narrow = Array.ConvertAll(corpus.Text, t => (ushort)t);
        else wide = Array.ConvertAll(corpus.Text, t => (uint)t);
        return new SpanIndex(corpus.VocabSize, narrow, wide, suffixArray, (int[])corpus.DocumentContributions.Clone(), [.. corpus.ContributionIds]);
    }

    /// <summary>The index as its versioned, checksummed artifact (<see cref="SpanIndexFormat"/>): equal corpora give
    /// equal bytes.</summary>
    public byte[] ToBytes() => SpanIndexFormat.Write(this);

    /// <summary>Reads an artifact written by <see cref="ToBytes"/>; a damaged one throws
    /// <see cref="InvalidSpanIndexException"/>.</summary>
    public static SpanIndex Load(ReadOnlySpan<byte> artifact) => SpanIndexFormat.Read(artifact);

    /// <summary>How many times <paramref name="pattern"/> occurs in the corpus (0 for the empty pattern and for a
    /// pattern with a token outside the vocabulary: neither is evidence of anything).</summary>
    public int Count(ReadOnlySpan<int> pattern)
    {
        var (lo, hi) = Find(pattern);
        return hi - lo;
    }

    /// <summary>Where <paramref name="pattern"/> occurs, at most <paramref name="max"/> places (see
    /// <see cref="SpanQueryOptions.MaxOccurrences"/> for which).</summary>
    public IReadOnlyList<SpanOccurrence> Locate(ReadOnlySpan<int> pattern, int max)
    {
        var (lo, hi) = Find(pattern);
        return Occurrences(lo, hi, max);
    }

    /// <summary>The maximal spans of <paramref name="output"/> that occur in the corpus (<see cref="MaximalSpans"/>).</summary>
    public IReadOnlyList<SpanMatch> FindSpans(ReadOnlySpan<int> output, SpanQueryOptions? options = null) =>
        MaximalSpans.Find(this, output, options ?? SpanQueryOptions.Default);

    /// <summary>The suffix-array range [Lo, Hi) of the suffixes that start with <paramref name="pattern"/>.</summary>
    internal (int Lo, int Hi) Find(ReadOnlySpan<int> pattern)
    {
        if (pattern.IsEmpty) return (0, 0);
        foreach (var token in pattern)
            if ((uint)token >= (uint)VocabSize) return (0, 0);
        // Lower bound: the first suffix not below the pattern; upper bound: the first suffix above every extension of it.
        int lo = 0, hi = _suffixArray.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (Compare(_suffixArray[mid], pattern) < 0) lo = mid + 1;
            else hi = mid;
        }
        var first = lo;
        hi = _suffixArray.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (Compare(_suffixArray[mid], pattern) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return (first, lo);
    }

    /// <summary>Within [<paramref name="lo"/>, <paramref name="hi"/>), whose suffixes all share their first
    /// <paramref name="offset"/> tokens, the sub-range whose token at <paramref name="offset"/> is
    /// <paramref name="token"/>: the one-token extension step of a longest-match search, two binary searches on a single
    /// token instead of on the whole prefix.</summary>
    internal (int Lo, int Hi) Narrow(int lo, int hi, int offset, int token)
    {
        if ((uint)token >= (uint)VocabSize) return (lo, lo);
        int a = lo, b = hi;
        while (a < b)
        {
            var mid = (int)((uint)(a + b) >> 1);
            if (TokenAt(_suffixArray[mid] + offset) < token) a = mid + 1;
            else b = mid;
        }
        var first = a;
        b = hi;
        while (a < b)
        {
            var mid = (int)((uint)(a + b) >> 1);
            if (TokenAt(_suffixArray[mid] + offset) <= token) a = mid + 1;
            else b = mid;
        }
        return (first, a);
    }

    internal IReadOnlyList<SpanOccurrence> Occurrences(int lo, int hi, int max)
    {
        var count = Math.Min(hi - lo, Math.Max(max, 0));
        if (count <= 0) return [];
        var positions = _suffixArray.AsSpan(lo, count).ToArray();
        Array.Sort(positions);
        var occurrences = new SpanOccurrence[count];
        for (var i = 0; i < count; i++)
        {
            var document = DocumentAt(positions[i]);
            occurrences[i] = new SpanOccurrence(document, _contributionIds[_documentContributions[document]], positions[i] - _documentStarts[document]);
        }
        return occurrences;
    }

    /// <summary>The token at <paramref name="position"/>, or -1 past the end (the end of the text sorts first).</summary>
    private int TokenAt(int position)
    {
        if ((uint)position >= (uint)_suffixArray.Length) return -1;
        return _narrow is not null ? _narrow[position] : (int)_wide![position];
    }

    /// <summary>The suffix at <paramref name="position"/> against <paramref name="pattern"/>: 0 when the pattern is
    /// a prefix of it.</summary>
    private int Compare(int position, ReadOnlySpan<int> pattern)
    {
        for (var j = 0; j < pattern.Length; j++)
        {
            var token = TokenAt(position + j);
            if (token != pattern[j]) return token < pattern[j] ? -1 : 1;
        }
        return 0;
    }

    private int DocumentAt(int position)
    {
        var found = Array.BinarySearch(_documentStarts, position);
        return found >= 0 ? found : ~found - 1;
    }
}
