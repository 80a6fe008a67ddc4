namespace OpenLedger.ML.Attribution.Records;

/// <summary>An attribution record (or record bytes) that cannot be used, with the stable <see cref="Fault"/> and
/// <see cref="Code"/> (e.g. <c>attribution-record-non-canonical</c>) and a message that says what was found.</summary>
public sealed class InvalidAttributionRecordException(RecordFault fault, string detail)
    : Exception($"{CodeOf(fault)}: {detail}")
{
    public RecordFault Fault { get; } = fault;

    public string Code => CodeOf(Fault);

    public static string CodeOf(RecordFault fault) => fault switch
    {
        RecordFault.NotJson => "attribution-record-not-json",
        RecordFault.UnsupportedVersion => "attribution-record-unsupported-version",
        RecordFault.UnknownField => "attribution-record-unknown-field",
        RecordFault.MissingField => "attribution-record-missing-field",
        RecordFault.FieldOrder => "attribution-record-field-order",
        RecordFault.BadValue => "attribution-record-bad-value",
        RecordFault.BadHex => "attribution-record-bad-hex",
        RecordFault.NonFiniteScore => "attribution-record-non-finite-score",
        RecordFault.WeightsNotAtScale => "attribution-record-weights-not-at-scale",
        RecordFault.DuplicateContribution => "attribution-record-duplicate-contribution",
        RecordFault.NonCanonical => "attribution-record-non-canonical",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };
}
