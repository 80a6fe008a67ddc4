namespace OpenLedger.Grains.Ledger;

/// <summary>The entry point for signed transactions: verifies signatures in parallel (on stateless workers,
/// never in the producer) and hands the valid ones to the mempool. One result per input, in order.</summary>
public interface ITransactionGatewayGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<SubmitResult>> SubmitAsync(IReadOnlyList<byte[]> rawTransactions);
}

/// <summary>Decodes and verifies a chunk of transactions: chain id, signature (low-s), signer.</summary>
public interface ISignatureVerifierGrain : IGrainWithIntegerKey
{
    Task<VerificationResult> VerifyAsync(IReadOnlyList<byte[]> rawTransactions);
}

/// <summary>Per input: either a verified transaction or an error.</summary>
[GenerateSerializer, Immutable, Alias("openledger.VerificationResult")]
public sealed record VerificationResult(
    [property: Id(0)] TxBatch Verified,
    [property: Id(1)] IReadOnlyList<int> VerifiedPositions,
    [property: Id(2)] IReadOnlyList<(int Position, SubmitResult Error)> Errors);
