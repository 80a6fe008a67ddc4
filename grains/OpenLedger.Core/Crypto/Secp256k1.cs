namespace OpenLedger.Core.Crypto;

/// <summary>Why a signature could not be recovered to a signer.</summary>
public enum RecoveryFailure { None, BadRecoveryId, HighS, Malformed }

/// <summary>secp256k1 signing and public-key recovery, on libsecp256k1 when it loads, else on its managed port
/// (<see cref="Backend"/> says which). Only low-s signatures are valid (as in Ethereum since Homestead), so a signature
/// cannot be malleated. The rules are checked here, before either backend runs, so both judge every input alike.</summary>
public static class Secp256k1
{
    // The group order n and n/2, big-endian: r and s must lie in [1, n), and s in [1, n/2].
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
        0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
    ];

    private static ReadOnlySpan<byte> HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ];

    /// <summary>The implementation in use, e.g. "native libsecp256k1 (Secp256k1.Net 2.0.0)" or
    /// "managed NBitcoin.Secp256k1 (native failed: ...)"; printed at node start and exported in /metrics.</summary>
    public static string Backend => Secp256k1Backends.Description;

    /// <summary>Whether libsecp256k1 itself is in use.</summary>
    public static bool IsNative => Secp256k1Backends.Active.IsNative;

    /// <summary>Signs a 32-byte digest deterministically (RFC 6979); libsecp256k1 always produces low-s.</summary>
    public static Signature Sign(PrivateKey key, Hash32 digest) => Sign(Secp256k1Backends.Active, key, digest);

    /// <summary>Recovers the signer's address from a digest and signature, rejecting high-s and bad v.</summary>
    public static RecoveryFailure TryRecover(Hash32 digest, Signature signature, out Address signer) =>
        TryRecover(Secp256k1Backends.Active, digest, signature, out signer);

    internal static Signature Sign(ISecp256k1Backend backend, PrivateKey key, Hash32 digest)
    {
        Span<byte> compact = stackalloc byte[64];
        backend.Sign(key, digest.AsSpan(), compact, out var recId);
        return new Signature(new Hash32(compact[..32]), new Hash32(compact[32..]), (byte)(27 + recId));
    }

    internal static RecoveryFailure TryRecover(ISecp256k1Backend backend, Hash32 digest, Signature signature, out Address signer)
    {
        signer = default;
        // Only 27 and 28: one signed transaction has exactly one wire encoding.
        int recId = signature.V switch { 27 => 0, 28 => 1, _ => -1 };
        if (recId < 0) return RecoveryFailure.BadRecoveryId;
        // Copied first: a span over the property's returned copy would point at a temporary.
        Span<byte> compact = stackalloc byte[64];
        signature.R.CopyTo(compact);
        signature.S.CopyTo(compact[32..]);
        ReadOnlySpan<byte> r = compact[..32], s = compact[32..];
        if (!InRange(r) || !InRange(s)) return RecoveryFailure.Malformed;
        if (s.SequenceCompareTo(HalfOrder) > 0) return RecoveryFailure.HighS;
        Span<byte> xy = stackalloc byte[64];
        // Still possible with r and s in range: no curve point has x = r (or the recovered point is the identity).
        if (!backend.TryRecover(digest.AsSpan(), compact, recId, xy)) return RecoveryFailure.Malformed;
        signer = Address.FromPublicKey(xy);
        return RecoveryFailure.None;
    }

    /// <summary>1 ≤ x &lt; n for a big-endian 32-byte scalar.</summary>
    private static bool InRange(ReadOnlySpan<byte> x) => x.IndexOfAnyExcept((byte)0) >= 0 && x.SequenceCompareTo(Order) < 0;
}
