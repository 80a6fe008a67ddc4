namespace OpenLedger.ML.Attribution.Spans;

/// <summary>Where a span occurs: in document <see cref="Document"/> (its index in the corpus, in the order the
/// documents were given), which belongs to <see cref="ContributionId"/>, starting <see cref="Offset"/> tokens into
/// it.</summary>
public sealed record SpanOccurrence(int Document, string ContributionId, int Offset);
