namespace OpenLedger.ML.Attribution.Inference;

/// <summary>Why one inference was not attributed: a stable <see cref="Code"/> (<see cref="AttributionFailureCode"/>)
/// and a message for a person.</summary>
public sealed record AttributionFailure(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
