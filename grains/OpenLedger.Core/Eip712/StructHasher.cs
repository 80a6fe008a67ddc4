using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Eip712;

/// <summary>Builds hashStruct(s) = keccak256(typeHash || encodeData(s)) one 32-byte word at a time,
/// following EIP-712's encoding of atomic types (address, uintN, bytes32) and dynamic ones (string, bytes: hashed).</summary>
public ref struct StructHasher
{
    private readonly byte[] _buffer;
    private int _length;

    public StructHasher(Hash32 typeHash, int maxFields = 16)
    {
        _buffer = new byte[32 * (maxFields + 1)];
        typeHash.CopyTo(_buffer);
        _length = 32;
    }

    private Span<byte> NextWord()
    {
        var w = _buffer.AsSpan(_length, 32);
        w.Clear();
        _length += 32;
        return w;
    }

    public void Address(Address a) => a.CopyTo(NextWord()[12..]);
    public void UInt(ulong v) => BinaryPrimitives.WriteUInt64BigEndian(NextWord()[24..], v);
    public void UInt(Wei v) => v.WriteUInt256(NextWord());
    public void Bytes32(Hash32 h) => h.CopyTo(NextWord());
    public void String(string s) => Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(s)).CopyTo(NextWord());
    public void Bytes(ReadOnlySpan<byte> b) => Keccak256.Hash(b).CopyTo(NextWord());

    public readonly Hash32 Finish() => Keccak256.Hash(_buffer.AsSpan(0, _length));
}
