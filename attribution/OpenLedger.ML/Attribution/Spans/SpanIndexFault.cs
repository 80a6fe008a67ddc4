namespace OpenLedger.ML.Attribution.Spans;

/// <summary>Why a span index artifact was refused: the stable reason callers log and match on (its
/// <see cref="InvalidSpanIndexException.Code"/> is the kebab-case name).</summary>
public enum SpanIndexFault
{
    /// <summary>Shorter than its header says it is (a partial download or write).</summary>
    Truncated,
    /// <summary>Does not start with the span index magic bytes: some other file.</summary>
    NotASpanIndex,
    /// <summary>A format version this build cannot read.</summary>
    UnsupportedVersion,
    /// <summary>The body's keccak256 differs from the header's: bytes changed after writing.</summary>
    ChecksumMismatch,
    /// <summary>Consistent checksum but impossible contents (header fields, tokens, suffixes, documents): written by
    /// something other than this format's writer.</summary>
    Malformed,
}
