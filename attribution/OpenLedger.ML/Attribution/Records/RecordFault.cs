namespace OpenLedger.ML.Attribution.Records;

/// <summary>Why attribution record bytes (or the parts of a record) were refused: the stable reason callers log and
/// match on (its <see cref="InvalidAttributionRecordException.Code"/> is the kebab-case name).</summary>
public enum RecordFault
{
    /// <summary>Not one complete JSON value in UTF-8 (truncated, broken syntax, invalid UTF-8, trailing bytes).</summary>
    NotJson,
    /// <summary>A <c>version</c> this build cannot read.</summary>
    UnsupportedVersion,
    /// <summary>An object holds a member the format does not define.</summary>
    UnknownField,
    /// <summary>An object lacks a member the format requires.</summary>
    MissingField,
    /// <summary>An object's members are all known but not in the canonical (sorted) order, or one is repeated.</summary>
    FieldOrder,
    /// <summary>A member of the wrong JSON type or out of its range (a negative count, an unknown method, a scale above
    /// 2^53, a span past the output).</summary>
    BadValue,
    /// <summary>A hash that is not 0x followed by 64 lowercase hex digits.</summary>
    BadHex,
    /// <summary>A score or share that is NaN or infinite: nothing can be paid on it, and JSON cannot carry it.</summary>
    NonFiniteScore,
    /// <summary>The contributions' integer weights do not sum to exactly the weight scale (or a share is outside [0, 1]).</summary>
    WeightsNotAtScale,
    /// <summary>One contribution named twice.</summary>
    DuplicateContribution,
    /// <summary>The bytes parse to a valid record whose canonical encoding is different bytes (extra whitespace, another
    /// number spelling, another string escape): two spellings of one record would have two hashes, so only one is accepted.</summary>
    NonCanonical,
}
