namespace OpenLedger.ML.Attribution.Spans;

/// <summary>A maximal span of a model's output that occurs verbatim in the corpus: output tokens
/// [<see cref="Start"/>, <see cref="Start"/> + <see cref="Length"/>) occur <see cref="Count"/> times, and neither the
/// span one token longer to the left nor to the right occurs at all. <see cref="Occurrences"/> lists at most
/// <see cref="SpanQueryOptions.MaxOccurrences"/> of them (see there which ones), in corpus order.</summary>
public sealed record SpanMatch(int Start, int Length, int Count, IReadOnlyList<SpanOccurrence> Occurrences)
{
    /// <summary>The distinct contributions among the listed occurrences, in corpus order.</summary>
    public IReadOnlyList<string> Contributions => [.. Occurrences.Select(o => o.ContributionId).Distinct(StringComparer.Ordinal)];
}
