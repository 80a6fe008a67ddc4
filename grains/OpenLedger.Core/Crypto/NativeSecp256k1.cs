using System.Reflection;
using Native = Secp256k1Net.Secp256k1;
using EcFlags = Secp256k1Net.Secp256k1EcFlags;

namespace OpenLedger.Core.Crypto;

/// <summary>libsecp256k1 itself (the builds bundled by the Secp256k1.Net package, loaded from runtimes/RID/native):
/// several times faster than the managed port at recovery, which bounds how fast a node admits transactions.</summary>
internal sealed class NativeSecp256k1 : ISecp256k1Backend
{
    // One context for every thread: libsecp256k1 lets any number of threads use a context at once in every call that takes
    // it as const (signing, recovery, key derivation, serialisation: all this backend calls); only randomising or
    // destroying it needs exclusive access, and neither is done. The wrapper's methods only pass the context pointer on.
    // (A context per thread would leak one with every retired thread-pool thread: the wrapper has no finalizer.)
    // It lives as long as the process.
    private readonly Native _context;

    public string Name { get; }

    public bool IsNative => true;

    private NativeSecp256k1(Native context, string name) => (_context, Name) = (context, name);

    // Loaded once; a failure is kept and thrown again (a library that did not load will not load later).
    private static readonly Lazy<NativeSecp256k1> Shared = new(Create);

    /// <summary>The process's native backend, loading the library on first use (creating a context loads it);
    /// throws (DllNotFoundException, EntryPointNotFoundException, ...) when it cannot load.</summary>
    public static NativeSecp256k1 Load() => Shared.Value;

    private static NativeSecp256k1 Create()
    {
        var context = new Native();
        var version = typeof(Native).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return new NativeSecp256k1(context, $"native libsecp256k1 (Secp256k1.Net {version?.Split('+')[0] ?? "?"})");
    }

    public void Sign(PrivateKey key, ReadOnlySpan<byte> digest, Span<byte> compact, out int recoveryId)
    {
        // The wrapper's sizes: a parsed signature is 65 bytes (64 + recovery id), a parsed public key 64.
        Span<byte> sig = stackalloc byte[Native.UNSERIALIZED_SIGNATURE_SIZE];
        // A null nonce function is libsecp256k1's RFC 6979: the same signature as the managed port's.
        if (!_context.EcdsaSignRecoverable(sig, digest, key.Secret))
            throw new InvalidOperationException("signing failed");
        if (!_context.EcdsaRecoverableSignatureSerializeCompact(compact, out recoveryId, sig))
            throw new InvalidOperationException("signature serialisation failed");
    }

    public void PublicKey(PrivateKey key, Span<byte> xy)
    {
        Span<byte> pub = stackalloc byte[Native.UNSERIALIZED_PUBKEY_LENGTH];
        if (!_context.EcPubkeyCreate(pub, key.Secret)) throw new InvalidOperationException("public key derivation failed");
        Serialize(pub, xy);
    }

    public bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact, int recoveryId, Span<byte> xy)
    {
        Span<byte> sig = stackalloc byte[Native.UNSERIALIZED_SIGNATURE_SIZE];
        if (!_context.EcdsaRecoverableSignatureParseCompact(sig, compact, recoveryId)) return false;
        Span<byte> pub = stackalloc byte[Native.UNSERIALIZED_PUBKEY_LENGTH];
        if (!_context.EcdsaRecover(pub, sig, digest)) return false;
        Serialize(pub, xy);
        return true;
    }

    private void Serialize(ReadOnlySpan<byte> pub, Span<byte> xy)
    {
        Span<byte> uncompressed = stackalloc byte[Native.SERIALIZED_UNCOMPRESSED_PUBKEY_LENGTH];
        nuint length = (nuint)uncompressed.Length;
        if (!_context.EcPubkeySerialize(uncompressed, ref length, pub, EcFlags.Uncompressed) || length != 65)
            throw new InvalidOperationException("public key serialisation failed");
        uncompressed[1..].CopyTo(xy);
    }
}
