using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.ML.Attribution.Records;

/// <summary>A maximal span of the served output that occurs verbatim in the training corpus (from
/// <see cref="SpanIndex"/>): output tokens [<see cref="Start"/>, <see cref="Start"/> + <see cref="Length"/>), occurring
/// <see cref="Count"/> times; <see cref="Text"/> is the span's text when the recorder had a tokenizer (null
/// otherwise), and <see cref="Contributions"/> the distinct contributions among the listed occurrences, in corpus
/// order, at most <see cref="MaxContributions"/> (a span common enough to exceed that is weak evidence for any one
/// contribution, and an unbounded list would let one phrase bloat every record).</summary>
public sealed record SpanEvidence(int Start, int Length, int Count, string? Text, IReadOnlyList<string> Contributions)
{
    public const int MaxContributions = 16;

    /// <summary>The evidence for <paramref name="match"/>: its first <see cref="MaxContributions"/> distinct contributions.</summary>
    public static SpanEvidence From(SpanMatch match, string? text = null) =>
        new(match.Start, match.Length, match.Count, text, [.. match.Contributions.Take(MaxContributions)]);

    internal SpanEvidence Validated(int outputTokens)
    {
        if (Start < 0 || Length < 1 || (long)Start + Length > outputTokens)
            throw Bad($"span [{Start}, +{Length}) is not inside the output's {outputTokens} tokens");
        if (Count < 1) throw Bad($"a span occurs at least once, count {Count}");
        if (Contributions is null || Contributions.Count > MaxContributions)
            throw Bad($"a span lists at most {MaxContributions} contributions, got {Contributions?.Count}");
        if (Contributions.Any(string.IsNullOrEmpty)) throw Bad("an empty contribution id in a span");
        if (Contributions.Distinct(StringComparer.Ordinal).Count() != Contributions.Count)
            throw new InvalidAttributionRecordException(RecordFault.DuplicateContribution, $"span at {Start} lists a contribution twice");
        return this;
    }

    private static InvalidAttributionRecordException Bad(string detail) => new(RecordFault.BadValue, detail);

    // Records compare by value, lists included (the default record equality compares list references).
    public bool Equals(SpanEvidence? other) =>
        other is not null && Start == other.Start && Length == other.Length && Count == other.Count && Text == other.Text &&
        Contributions.SequenceEqual(other.Contributions, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Start, Length, Count, Text, Contributions.Count);
}
