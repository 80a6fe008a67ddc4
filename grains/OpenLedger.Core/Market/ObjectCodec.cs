using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Market;

/// <summary>Writes the canonical binary form of a marketplace object: fixed-width big-endian integers, strings and
/// arrays length-prefixed. The bytes are both what the state tree commits to and what the store keeps, so a stored
/// object that decodes re-encodes to the same commitment.</summary>
public sealed class ObjectWriter
{
    private readonly MemoryStream _s = new();
    private readonly byte[] _w = new byte[32];

    public ObjectWriter Byte(byte v) { _s.WriteByte(v); return this; }
    public ObjectWriter U16(ushort v) { BinaryPrimitives.WriteUInt16BigEndian(_w, v); _s.Write(_w, 0, 2); return this; }
    public ObjectWriter U32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(_w, v); _s.Write(_w, 0, 4); return this; }
    public ObjectWriter I32(int v) { BinaryPrimitives.WriteInt32BigEndian(_w, v); _s.Write(_w, 0, 4); return this; }
    public ObjectWriter U64(ulong v) { BinaryPrimitives.WriteUInt64BigEndian(_w, v); _s.Write(_w, 0, 8); return this; }
    public ObjectWriter I64(long v) { BinaryPrimitives.WriteInt64BigEndian(_w, v); _s.Write(_w, 0, 8); return this; }
    public ObjectWriter Hash(Hash32 h) { h.CopyTo(_w); _s.Write(_w, 0, 32); return this; }
    public ObjectWriter Address(Address a) { a.CopyTo(_w); _s.Write(_w, 0, Crypto.Address.Length); return this; }
    public ObjectWriter Wei(Wei v) { v.WriteUInt256(_w); _s.Write(_w, 0, 32); return this; }

    public ObjectWriter String(string v)
    {
        var b = System.Text.Encoding.UTF8.GetBytes(v);
        I32(b.Length);
        _s.Write(b);
        return this;
    }

    public ObjectWriter Array<T>(IReadOnlyCollection<T> items, Action<ObjectWriter, T> write)
    {
        I32(items.Count);
        foreach (var i in items) write(this, i);
        return this;
    }

    public byte[] ToArray() => _s.ToArray();
}

/// <summary>Reads what <see cref="ObjectWriter"/> wrote. Stored objects are trusted (the node wrote them), so a
/// malformed one throws <see cref="FormatException"/>: that is corruption, not input.</summary>
public ref struct ObjectReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _d = data;
    private int _p;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _d.Length - _p < n) throw new FormatException("truncated marketplace object");
        var s = _d.Slice(_p, n);
        _p += n;
        return s;
    }

    public byte Byte() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    public int I32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));
    public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));
    public Hash32 Hash() => new(Take(32));
    public Address Address() => new(Take(Crypto.Address.Length));
    public Wei Wei() => Money.Wei.TryReadUInt256(Take(32), out var w) ? w : throw new FormatException("amount out of range");
    public string String() => System.Text.Encoding.UTF8.GetString(Take(I32()));

    public T[] Array<T>(ReaderFunc<T> read)
    {
        var n = I32();
        if (n < 0 || n > _d.Length) throw new FormatException("bad array length");
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = read(ref this);
        return a;
    }

    public readonly void End()
    {
        if (_p != _d.Length) throw new FormatException("trailing bytes after a marketplace object");
    }
}

public delegate T ReaderFunc<T>(ref ObjectReader r);
