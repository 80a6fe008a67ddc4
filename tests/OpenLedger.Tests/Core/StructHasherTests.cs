using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;

namespace OpenLedger.Tests.Core;

/// <summary>hashStruct over the hasher's stack words (up to 16 fields) and over its heap words (a struct declared
/// with more) is keccak256(typeHash || words), the same either way.</summary>
public class StructHasherTests
{
    private static Hash32 Expected(Hash32 typeHash, int fields)
    {
        var bytes = new byte[32 * (fields + 1)];
        typeHash.CopyTo(bytes);
        for (int i = 0; i < fields; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(32 * (i + 1) + 24), (ulong)i + 1);
        return Keccak256.Hash(bytes);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(3, 16)]
    [InlineData(16, 16)]
    [InlineData(20, 24)]
    public void A_struct_hash_is_keccak_of_the_type_hash_and_its_words(int fields, int maxFields)
    {
        var typeHash = Keccak256.Hash("Example(uint64 a)");
        var h = new StructHasher(typeHash, maxFields);
        for (int i = 0; i < fields; i++) h.UInt((ulong)i + 1);
        Assert.Equal(Expected(typeHash, fields), h.Finish());
    }

    [Fact]
    public void A_seventeenth_field_on_the_default_hasher_is_refused_as_before()
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
        {
            var h = new StructHasher(Hash32.Zero);
            for (int i = 0; i < 17; i++) h.UInt((ulong)i);
        });
    }
}
