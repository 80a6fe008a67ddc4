namespace OpenLedger.Grains.Ledger;

/// <summary>Decodes and verifies a chunk of transactions: chain id, signature (low-s), signer.</summary>
public interface ISignatureVerifierGrain : IGrainWithIntegerKey
{
    Task<VerificationResult> VerifyAsync(IReadOnlyList<byte[]> rawTransactions);
}
