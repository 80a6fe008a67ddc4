namespace OpenLedger.ML.Attribution.Spans;

/// <summary>A span index artifact that cannot be used, with the stable <see cref="Fault"/> and <see cref="Code"/>
/// (e.g. <c>span-index-truncated</c>) and a message that says what was found.</summary>
public sealed class InvalidSpanIndexException(SpanIndexFault fault, string detail)
    : Exception($"{CodeOf(fault)}: {detail}")
{
    public SpanIndexFault Fault { get; } = fault;

    public string Code => CodeOf(Fault);

    public static string CodeOf(SpanIndexFault fault) => fault switch
    {
        SpanIndexFault.Truncated => "span-index-truncated",
        SpanIndexFault.NotASpanIndex => "span-index-not-an-index",
        SpanIndexFault.UnsupportedVersion => "span-index-unsupported-version",
        SpanIndexFault.ChecksumMismatch => "span-index-checksum-mismatch",
        SpanIndexFault.Malformed => "span-index-malformed",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };
}
