using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Crypto;

/// <summary>A 32-byte hash (keccak256 output), compared and hashed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>
{
    private readonly ulong _a, _b, _c, _d;

    public static readonly Hash32 Zero = default;

    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32) throw new ArgumentException($"a hash is 32 bytes, got {bytes.Length}");
        _a = MemoryMarshal.Read<ulong>(bytes);
        _b = MemoryMarshal.Read<ulong>(bytes[8..]);
        _c = MemoryMarshal.Read<ulong>(bytes[16..]);
        _d = MemoryMarshal.Read<ulong>(bytes[24..]);
    }

    public ReadOnlySpan<byte> AsSpan() =>
        MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _a), 4));

    public byte[] ToArray() => AsSpan().ToArray();

    public void CopyTo(Span<byte> destination) => AsSpan().CopyTo(destination);

    public static Hash32 Parse(string text) =>
        TryParse(text, out var h) ? h : throw new FormatException($"not a 32-byte 0x-hex hash: '{text}'");

    public static bool TryParse(string? text, out Hash32 hash)
    {
        hash = default;
        if (!Hex.TryDecode(text, out var bytes) || bytes.Length != 32) return false;
        hash = new Hash32(bytes);
        return true;
    }

    public bool Equals(Hash32 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is Hash32 h && Equals(h);
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    public int CompareTo(Hash32 other) => AsSpan().SequenceCompareTo(other.AsSpan());
    public static bool operator ==(Hash32 x, Hash32 y) => x.Equals(y);
    public static bool operator !=(Hash32 x, Hash32 y) => !x.Equals(y);
    public override string ToString() => Hex.Encode(AsSpan());
}
