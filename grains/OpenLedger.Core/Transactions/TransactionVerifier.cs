using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;

namespace OpenLedger.Core.Transactions;

/// <summary>A decoded transaction whose signature has been checked: the signer is <c>Tx.From</c>.</summary>
public sealed record VerifiedTransaction(SignedTransaction Signed, byte[] Raw)
{
    public Hash32 Hash => Signed.Hash;
    public Transaction Tx => Signed.Tx;
    public Address Sender => Signed.Tx.From;
}

/// <summary>The stateless admission checks: decode, chain id, signature (low-s only) and signer. Pure and
/// thread-safe, so it runs in parallel outside the block producer.</summary>
public static class TransactionVerifier
{
    public static LedgerError Verify(byte[] raw, ulong chainId, int maxBytes, out VerifiedTransaction? verified)
    {
        verified = null;
        var error = TransactionCodec.TryDecode(raw, out var signed, maxBytes);
        if (error.IsError) return error;
        if (signed!.Tx.ChainId != chainId)
            return new(ErrorCode.WrongChainId, $"signed for chain {signed.Tx.ChainId}; this chain is {chainId}");
        error = CheckSigner(signed);
        if (error.IsError) return error;
        RecentlyVerified.Add(raw);
        verified = new VerifiedTransaction(signed, raw);
        return LedgerError.None;
    }

    /// <summary>Decode and signature checks for a transaction arriving from outside this process as "verified": it is
    /// taken as such only if its signature recovers to its sender here (or this process verified the same bytes
    /// recently). The chain id is the state transition's to check, which knows the chain.</summary>
    public static LedgerError Reverify(byte[] raw, out VerifiedTransaction? verified)
    {
        verified = null;
        var error = TransactionCodec.TryDecode(raw, out var signed, int.MaxValue);
        if (error.IsError) return error;
        if (!RecentlyVerified.Contains(raw))
        {
            error = CheckSigner(signed!);
            if (error.IsError) return error;
            RecentlyVerified.Add(raw);
        }
        verified = new VerifiedTransaction(signed!, raw);
        return LedgerError.None;
    }

    private static LedgerError CheckSigner(SignedTransaction signed)
    {
        switch (Secp256k1.TryRecover(signed.Hash, signed.Signature, out var signer))
        {
            case RecoveryFailure.HighS:
                return new(ErrorCode.HighSSignature, "the signature's s is in the upper half of the curve order (malleable); use the low-s form");
            case RecoveryFailure.BadRecoveryId:
                return new(ErrorCode.BadSignature, $"signature v must be 27 or 28, got {signed.Signature.V}");
            case RecoveryFailure.Malformed:
                return new(ErrorCode.BadSignature, "the signature does not recover to a public key");
        }
        if (signer != signed.Tx.From)
            return new(ErrorCode.SignerMismatch, $"signed by {signer}, but the transaction is from {signed.Tx.From}");
        return LedgerError.None;
    }
}
