namespace OpenLedger.Core.Crypto;

/// <summary>The curve arithmetic behind <see cref="Secp256k1"/>: libsecp256k1 itself, or its managed port.
/// The backend only computes; the rules (v, ranges of r and s, low-s) are checked by <see cref="Secp256k1"/> before
/// it is called, so both backends see the same inputs and give the same answers.</summary>
internal interface ISecp256k1Backend
{
    /// <summary>What the node reports (banner, /metrics): which implementation this is.</summary>
    string Name { get; }

    bool IsNative { get; }

    /// <summary>Deterministic (RFC 6979) recoverable signature of a 32-byte digest: 64-byte r || s (low-s) and recovery id.</summary>
    void Sign(PrivateKey key, ReadOnlySpan<byte> digest, Span<byte> compact, out int recoveryId);

    /// <summary>The 64-byte X || Y public key of a valid 32-byte secret.</summary>
    void PublicKey(PrivateKey key, Span<byte> xy);

    /// <summary>Recovers the 64-byte X || Y public key from a compact signature whose r and s are already known to be
    /// in range; false when no point has that r (or the recovered point is the identity).</summary>
    bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact, int recoveryId, Span<byte> xy);
}
