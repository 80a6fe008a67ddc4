using Org.BouncyCastle.Crypto.Digests;

namespace OpenLedger.Core.Crypto;

/// <summary>Ethereum's keccak256 (the original Keccak padding, not NIST SHA3-256).</summary>
public static class Keccak256
{
    // A digest per thread: KeccakDigest is not thread-safe and allocating one per hash shows up in profiles.
    [ThreadStatic] private static KeccakDigest? _digest;

    public static Hash32 Hash(ReadOnlySpan<byte> data)
    {
        var d = _digest ??= new KeccakDigest(256);
        d.BlockUpdate(data);
        Span<byte> output = stackalloc byte[32];
        d.DoFinal(output);
        return new Hash32(output);
    }

    public static Hash32 Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var d = _digest ??= new KeccakDigest(256);
        d.BlockUpdate(a);
        d.BlockUpdate(b);
        Span<byte> output = stackalloc byte[32];
        d.DoFinal(output);
        return new Hash32(output);
    }

    public static Hash32 Hash(string utf8) => Hash(System.Text.Encoding.UTF8.GetBytes(utf8));
}
