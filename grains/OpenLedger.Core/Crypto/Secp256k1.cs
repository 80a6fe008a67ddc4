using NBitcoin.Secp256k1;

namespace OpenLedger.Core.Crypto;

/// <summary>Why a signature could not be recovered to a signer.</summary>
public enum RecoveryFailure { None, BadRecoveryId, HighS, Malformed }

/// <summary>secp256k1 signing and public-key recovery (NBitcoin.Secp256k1, a port of libsecp256k1).
/// Only low-s signatures are valid (as in Ethereum since Homestead), so a signature cannot be malleated.</summary>
public static class Secp256k1
{
    /// <summary>Signs a 32-byte digest deterministically (RFC 6979); libsecp256k1 always produces low-s.</summary>
    public static Signature Sign(PrivateKey key, Hash32 digest)
    {
        if (!key.Key.TrySignRecoverable(digest.AsSpan(), out var sig) || sig is null)
            throw new InvalidOperationException("signing failed");
        Span<byte> compact = stackalloc byte[64];
        sig.WriteToSpanCompact(compact, out var recId);
        return new Signature(new Hash32(compact[..32]), new Hash32(compact[32..]), (byte)(27 + recId));
    }

    /// <summary>Recovers the signer's address from a digest and signature, rejecting high-s and bad v.</summary>
    public static RecoveryFailure TryRecover(Hash32 digest, Signature signature, out Address signer)
    {
        signer = default;
        // Only 27 and 28: one signed transaction has exactly one wire encoding.
        int recId = signature.V switch { 27 => 0, 28 => 1, _ => -1 };
        if (recId < 0) return RecoveryFailure.BadRecoveryId;
        Span<byte> compact = stackalloc byte[64];
        signature.R.CopyTo(compact);
        signature.S.CopyTo(compact[32..]);
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact, recId, out var sig) || sig is null)
            return RecoveryFailure.Malformed; // r or s is zero or not below the group order
        sig.Deconstruct(out var r, out var s, out _);
        if (r.IsZero || s.IsZero) return RecoveryFailure.Malformed;
        if (s.IsHigh) return RecoveryFailure.HighS;
        if (!ECPubKey.TryRecover(Context.Instance, sig, digest.AsSpan(), out var pub) || pub is null)
            return RecoveryFailure.Malformed;
        Span<byte> uncompressed = stackalloc byte[65];
        pub.WriteToSpan(false, uncompressed, out _);
        signer = Address.FromPublicKey(uncompressed[1..]);
        return RecoveryFailure.None;
    }
}
