namespace OpenLedger.ML.Attribution.Spans;

/// <summary>What a span query reports.</summary>
public sealed record SpanQueryOptions
{
    /// <summary>The default shortest span: 4 tokens. With the built-in 2,048-token BPE a token is about a word, and
    /// shorter n-grams ("of the", "used in a") occur in thousands of contributions and say nothing about any one of
    /// them; from 4 tokens on, a span is mostly a phrase some contributor wrote. Raise it for larger vocabularies.</summary>
    public const int DefaultMinLength = 4;

    /// <summary>The default cap on listed occurrences per span.</summary>
    public const int DefaultMaxOccurrences = 16;

    public static SpanQueryOptions Default { get; } = new();

    /// <summary>Spans shorter than this are not reported (at least 1).</summary>
    public int MinLength { get; init; } = DefaultMinLength;

    /// <summary>At most this many occurrences are listed per span (the count is always exact): the first ones in
    /// suffix-array order, which is deterministic for an index but favours no contribution in particular; they are
    /// then listed in corpus order. 0 lists none.</summary>
    public int MaxOccurrences { get; init; } = DefaultMaxOccurrences;
}
