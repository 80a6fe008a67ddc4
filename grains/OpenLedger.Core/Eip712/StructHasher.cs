using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Eip712;

/// <summary>Builds hashStruct(s) = keccak256(typeHash || encodeData(s)) one 32-byte word at a time,
/// following EIP-712's encoding of atomic types (address, uintN, bytes32) and dynamic ones (string, bytes: hashed).</summary>
public ref struct StructHasher
{
    private const int InlineFields = 16;

    // The words live in the hasher itself, on the caller's stack: every transaction's hash (each verification and
    // each decode) builds one, and a heap buffer per hash was the verifier's largest allocation.
    [InlineArray(32 * (InlineFields + 1))]
    private struct Words { private byte _e; }

    private Words _inline;
    private readonly byte[]? _heap; // only for a struct of more than InlineFields fields
    private int _length;

    public StructHasher(Hash32 typeHash, int maxFields = InlineFields)
    {
        if (maxFields > InlineFields) _heap = new byte[32 * (maxFields + 1)];
        typeHash.CopyTo(Buffer);
        _length = 32;
    }

    [UnscopedRef]
    private Span<byte> Buffer => _heap is null ? _inline : _heap;

    [UnscopedRef]
    private Span<byte> NextWord()
    {
        var w = Buffer.Slice(_length, 32);
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

    public readonly Hash32 Finish() => Keccak256.Hash((_heap is null ? (ReadOnlySpan<byte>)_inline : _heap)[.._length]);
}
