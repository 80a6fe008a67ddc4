using NBitcoin.Secp256k1;

namespace OpenLedger.Core.Crypto;

/// <summary>NBitcoin.Secp256k1, a managed port of libsecp256k1: the fallback where the native library cannot load.
/// Its context is immutable once built, so one instance serves every thread.</summary>
internal sealed class ManagedSecp256k1 : ISecp256k1Backend
{
    public static readonly ManagedSecp256k1 Instance = new();

    private ManagedSecp256k1() { }

    public string Name => "managed NBitcoin.Secp256k1";

    public bool IsNative => false;

    public void Sign(PrivateKey key, ReadOnlySpan<byte> digest, Span<byte> compact, out int recoveryId)
    {
        if (!key.Key.TrySignRecoverable(digest, out var sig) || sig is null)
            throw new InvalidOperationException("signing failed");
        sig.WriteToSpanCompact(compact, out recoveryId);
    }

    public void PublicKey(PrivateKey key, Span<byte> xy)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        key.Key.CreatePubKey().WriteToSpan(false, uncompressed, out _);
        uncompressed[1..].CopyTo(xy);
    }

    public bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact, int recoveryId, Span<byte> xy)
    {
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact, recoveryId, out var sig) || sig is null) return false;
        if (!ECPubKey.TryRecover(Context.Instance, sig, digest, out var pub) || pub is null) return false;
        Span<byte> uncompressed = stackalloc byte[65];
        pub.WriteToSpan(false, uncompressed, out _);
        uncompressed[1..].CopyTo(xy);
        return true;
    }
}
