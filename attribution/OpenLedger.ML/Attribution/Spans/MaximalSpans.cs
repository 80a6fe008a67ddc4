namespace OpenLedger.ML.Attribution.Spans;

/// <summary>The maximal spans of an output that occur in a corpus, as infini-gram finds them: for each output position
/// i, the longest match L(i) starting there, found by extending one token at a time while the count stays above 0
/// (each step narrows the previous suffix-array range with two binary searches on one token). A span [i, i + L(i)) is
/// maximal when the span starting one position earlier does not contain it, i.e. i + L(i) > i - 1 + L(i - 1): it
/// cannot be extended to the right (L(i) is the longest) nor to the left (that longer span would be the match at
/// i - 1). Since L(i) >= L(i - 1) - 1 (a suffix of a match is a match), each search starts from the L(i - 1) - 1
/// tokens already known to occur, found by one prefix binary search, instead of from nothing.</summary>
public static class MaximalSpans
{
    public static IReadOnlyList<SpanMatch> Find(SpanIndex index, ReadOnlySpan<int> output, SpanQueryOptions options)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinLength, 1, nameof(options.MinLength));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxOccurrences, nameof(options.MaxOccurrences));
        var spans = new List<SpanMatch>();
        var previousLength = 0;
        for (var start = 0; start < output.Length; start++)
        {
            var length = Math.Max(previousLength - 1, 0);
            var (lo, hi) = length == 0 ? (0, index.TextLength) : index.Find(output.Slice(start, length));
            while (start + length < output.Length)
            {
                var (narrowLo, narrowHi) = index.Narrow(lo, hi, length, output[start + length]);
                if (narrowLo == narrowHi) break;
                (lo, hi) = (narrowLo, narrowHi);
                length++;
            }
            // Contained in the previous match when both end at the same token (previousLength = length + 1).
            var maximal = start + length > start - 1 + previousLength;
            if (maximal && length >= options.MinLength)
                spans.Add(new SpanMatch(start, length, hi - lo, index.Occurrences(lo, hi, options.MaxOccurrences)));
            previousLength = length;
        }
        return spans;
    }
}
