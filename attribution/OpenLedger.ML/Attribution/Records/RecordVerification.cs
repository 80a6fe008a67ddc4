namespace OpenLedger.ML.Attribution.Records;

/// <summary>A verifier's verdict: <see cref="IsExact"/>, or the first difference found between the record and the
/// recomputation, described for a person (<see cref="Difference"/>).</summary>
public sealed record RecordVerification(bool IsExact, string? Difference)
{
    public static RecordVerification Exact { get; } = new(true, null);

    public static RecordVerification Different(string difference) => new(false, difference);

    public override string ToString() => IsExact ? "exact" : $"different: {Difference}";
}
