using System.Reflection;
using Native = Secp256k1Net.Secp256k1;
using EcFlags = Secp256k1Net.Secp256k1EcFlags;

namespace OpenLedger.Core.Crypto;

/// <summary>libsecp256k1 itself (the builds bundled by the Secp256k1.Net package, loaded from runtimes/RID/native):
/// several times faster than the managed port at recovery, which bounds how fast a node admits transactions.</summary>
internal sealed class NativeSecp256k1 : ISecp256k1Backend
{
    // One context per thread, as Secp256k1.Net's own helpers do: a context is only read by signing and recovery, but the
    // wrapper also keeps an error callback per instance, and a per-thread one needs no reasoning about that.
    // Thread-pool threads live as long as the process, so the contexts are created once per thread, not per call.
    [ThreadStatic] private static Native? _context;

    private static Native Context => _context ??= new Native();

    public string Name { get; }

    public bool IsNative => true;

    private NativeSecp256k1(string name) => Name = name;

    /// <summary>Loads the library (the first context created loads it) and names the wrapper's version;
    /// throws (DllNotFoundException, EntryPointNotFoundException, ...) when it cannot load.</summary>
    public static NativeSecp256k1 Load()
    {
        _ = Context;
        var version = typeof(Native).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return new NativeSecp256k1($"native libsecp256k1 (Secp256k1.Net {version?.Split('+')[0] ?? "?"})");
    }

    public void Sign(PrivateKey key, ReadOnlySpan<byte> digest, Span<byte> compact, out int recoveryId)
    {
        // The wrapper's sizes: a parsed signature is 65 bytes (64 + recovery id), a parsed public key 64.
        Span<byte> sig = stackalloc byte[Native.UNSERIALIZED_SIGNATURE_SIZE];
        // A null nonce function is libsecp256k1's RFC 6979: the same signature as the managed port's.
        if (!Context.EcdsaSignRecoverable(sig, digest, key.Secret))
            throw new InvalidOperationException("signing failed");
        if (!Context.EcdsaRecoverableSignatureSerializeCompact(compact, out recoveryId, sig))
            throw new InvalidOperationException("signature serialisation failed");
    }

    public void PublicKey(PrivateKey key, Span<byte> xy)
    {
        Span<byte> pub = stackalloc byte[Native.UNSERIALIZED_PUBKEY_LENGTH];
        if (!Context.EcPubkeyCreate(pub, key.Secret)) throw new InvalidOperationException("public key derivation failed");
        Serialize(pub, xy);
    }

    public bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact, int recoveryId, Span<byte> xy)
    {
        Span<byte> sig = stackalloc byte[Native.UNSERIALIZED_SIGNATURE_SIZE];
        if (!Context.EcdsaRecoverableSignatureParseCompact(sig, compact, recoveryId)) return false;
        Span<byte> pub = stackalloc byte[Native.UNSERIALIZED_PUBKEY_LENGTH];
        if (!Context.EcdsaRecover(pub, sig, digest)) return false;
        Serialize(pub, xy);
        return true;
    }

    private static void Serialize(ReadOnlySpan<byte> pub, Span<byte> xy)
    {
        Span<byte> uncompressed = stackalloc byte[Native.SERIALIZED_UNCOMPRESSED_PUBKEY_LENGTH];
        nuint length = (nuint)uncompressed.Length;
        if (!Context.EcPubkeySerialize(uncompressed, ref length, pub, EcFlags.Uncompressed) || length != 65)
            throw new InvalidOperationException("public key serialisation failed");
        uncompressed[1..].CopyTo(xy);
    }
}
