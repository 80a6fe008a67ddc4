namespace OpenLedger.Grains.Ledger;

/// <summary>Per input: either a verified transaction or an error.</summary>
[GenerateSerializer, Immutable, Alias("openledger.VerificationResult")]
public sealed record VerificationResult(
    [property: Id(0)] TxBatch Verified,
    [property: Id(1)] IReadOnlyList<int> VerifiedPositions,
    [property: Id(2)] IReadOnlyList<(int Position, SubmitResult Error)> Errors);
