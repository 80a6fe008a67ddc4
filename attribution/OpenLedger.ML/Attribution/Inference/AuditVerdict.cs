namespace OpenLedger.ML.Attribution.Inference;

/// <summary>What an audit found: <see cref="IsExact"/>, or the <see cref="Reason"/> (<see cref="AuditReason"/>) and a
/// message naming the first difference.</summary>
public sealed record AuditVerdict(bool IsExact, string? Reason, string Message)
{
    public static AuditVerdict Exact(string message) => new(true, null, message);

    public static AuditVerdict Different(string reason, string message) => new(false, reason, message);

    public override string ToString() => IsExact ? $"exact: {Message}" : $"not exact ({Reason}): {Message}";
}
