using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Ledger;

/// <summary>A committed block as stored: the header, the producer's signature over its hash, and the raw
/// signed transactions in order (their receipts are recomputed on replay and compared through the receipts root).</summary>
public sealed record SealedBlock(BlockHeader Header, Signature ProducerSignature, IReadOnlyList<byte[]> Transactions)
{
    public Hash32 Hash => Header.Hash;

    public bool IsSignedBy(Address producer) =>
        Header.Height == 0 || Secp256k1.TryRecover(Header.Hash, ProducerSignature, out var signer) == RecoveryFailure.None && signer == producer;
}
