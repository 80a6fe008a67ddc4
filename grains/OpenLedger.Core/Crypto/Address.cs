using System.Runtime.InteropServices;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Crypto;

/// <summary>A 20-byte account address: the last 20 bytes of keccak256 of the uncompressed public key.
/// Text form is EIP-55 mixed-case checksummed hex; input is accepted in any case, and a mixed-case input
/// must carry a valid checksum.</summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    private readonly ulong _a, _b;
    private readonly uint _c;

    public const int Length = 20;
    public static readonly Address Zero = default;

    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException($"an address is 20 bytes, got {bytes.Length}");
        _a = MemoryMarshal.Read<ulong>(bytes);
        _b = MemoryMarshal.Read<ulong>(bytes[8..]);
        _c = MemoryMarshal.Read<uint>(bytes[16..]);
    }

    public void CopyTo(Span<byte> destination)
    {
        MemoryMarshal.Write(destination, in _a);
        MemoryMarshal.Write(destination[8..], in _b);
        MemoryMarshal.Write(destination[16..], in _c);
    }

    public byte[] ToArray()
    {
        var b = new byte[Length];
        CopyTo(b);
        return b;
    }

    /// <summary>The address of an uncompressed secp256k1 public key (64 bytes X||Y, without the 0x04 prefix).</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> xy)
    {
        if (xy.Length != 64) throw new ArgumentException("expected the 64-byte X||Y public key");
        return new Address(Keccak256.Hash(xy).AsSpan()[12..]);
    }

    public static bool TryParse(string? text, out Address address)
    {
        address = default;
        if (text is null) return false;
        var s = text.Trim();
        if (!(s.StartsWith("0x") || s.StartsWith("0X")) || s.Length != 42) return false;
        if (!Hex.TryDecode(s, out var bytes)) return false;
        var candidate = new Address(bytes);
        var body = s[2..];
        bool allLower = body == body.ToLowerInvariant(), allUpper = body == body.ToUpperInvariant();
        if (!allLower && !allUpper && candidate.ToString()[2..] != body) return false; // bad EIP-55 checksum
        address = candidate;
        return true;
    }

    public static Address Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"not an address (0x + 40 hex, valid EIP-55 checksum if mixed case): '{text}'");

    /// <summary>EIP-55: uppercase a hex letter when the matching nibble of keccak256(lowercase hex) is >= 8.</summary>
    public override string ToString()
    {
        Span<byte> raw = stackalloc byte[Length];
        CopyTo(raw);
        var lower = Convert.ToHexStringLower(raw);
        var hash = Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(lower)).AsSpan();
        Span<char> chars = stackalloc char[42];
        chars[0] = '0'; chars[1] = 'x';
        for (int i = 0; i < 40; i++)
        {
            var nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0xF;
            chars[i + 2] = nibble >= 8 ? char.ToUpperInvariant(lower[i]) : lower[i];
        }
        return new string(chars);
    }

    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is Address a && Equals(a);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);
    public int CompareTo(Address other)
    {
        Span<byte> x = stackalloc byte[Length], y = stackalloc byte[Length];
        CopyTo(x); other.CopyTo(y);
        return x.SequenceCompareTo(y);
    }
    public static bool operator ==(Address x, Address y) => x.Equals(y);
    public static bool operator !=(Address x, Address y) => !x.Equals(y);
}
