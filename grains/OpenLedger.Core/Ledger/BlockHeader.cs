using System.Buffers.Binary;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Ledger;

/// <summary>A block header. Its hash is keccak256 of the fixed 177-byte encoding below; the producer signs that hash.</summary>
public sealed record BlockHeader(
    long Height,
    Hash32 ParentHash,
    long TimestampMs,
    Hash32 TxRoot,
    Hash32 ReceiptsRoot,
    Hash32 StateRoot,
    Address Producer,
    ulong GasUsed,
    int TxCount)
{
    public const byte Version = 1;
    public const int EncodedLength = 1 + 8 + 32 + 8 + 32 + 32 + 32 + 20 + 8 + 4;

    private Hash32? _hash;

    /// <summary>Cached: a header is immutable (a record "with" makes a new instance, which hashes anew).</summary>
    public Hash32 Hash => _hash ??= Keccak256.Hash(Encode());

    public byte[] Encode()
    {
        var b = new byte[EncodedLength];
        var s = b.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(s[1..], Height);
        ParentHash.CopyTo(s[9..]);
        BinaryPrimitives.WriteInt64BigEndian(s[41..], TimestampMs);
        TxRoot.CopyTo(s[49..]);
        ReceiptsRoot.CopyTo(s[81..]);
        StateRoot.CopyTo(s[113..]);
        Producer.CopyTo(s[145..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[165..], GasUsed);
        BinaryPrimitives.WriteInt32BigEndian(s[173..], TxCount);
        return b;
    }

    public static BlockHeader Decode(ReadOnlySpan<byte> s)
    {
        if (s.Length != EncodedLength || s[0] != Version) throw new FormatException("not a version-1 block header");
        return new BlockHeader(
            BinaryPrimitives.ReadInt64BigEndian(s[1..]),
            new Hash32(s[9..41]),
            BinaryPrimitives.ReadInt64BigEndian(s[41..]),
            new Hash32(s[49..81]),
            new Hash32(s[81..113]),
            new Hash32(s[113..145]),
            new Address(s[145..165]),
            BinaryPrimitives.ReadUInt64BigEndian(s[165..]),
            BinaryPrimitives.ReadInt32BigEndian(s[173..]));
    }
}
