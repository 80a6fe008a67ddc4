namespace OpenLedger.ML.Attribution.Spans;

/// <summary>One document of a span corpus: the token ids of one contribution's text (or of one part of it). A span
/// match never crosses from one document into the next. <see cref="ContributionId"/> is the caller's identifier of
/// the contribution (a hex id on chain): several documents may share it.</summary>
public sealed record CorpusDocument(string ContributionId, int[] Tokens);
