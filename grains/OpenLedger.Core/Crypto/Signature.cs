namespace OpenLedger.Core.Crypto;

/// <summary>A recoverable secp256k1 signature in Ethereum's 65-byte form r || s || v (v = 27 or 28).</summary>
public readonly record struct Signature(Hash32 R, Hash32 S, byte V)
{
    public const int Length = 65;

    public void CopyTo(Span<byte> destination)
    {
        R.CopyTo(destination);
        S.CopyTo(destination[32..]);
        destination[64] = V;
    }

    public byte[] ToArray()
    {
        var b = new byte[Length];
        CopyTo(b);
        return b;
    }

    public static Signature Read(ReadOnlySpan<byte> bytes) =>
        new(new Hash32(bytes[..32]), new Hash32(bytes[32..64]), bytes[64]);
}
