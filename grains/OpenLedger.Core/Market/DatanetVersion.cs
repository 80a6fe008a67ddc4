using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Market;

/// <summary>A frozen, numbered set of a datanet's approved contributions: those with an approval index below
/// <see cref="Count"/>, in approval order, less the ones excluded before it was published, with the Merkle root of
/// their content hashes in that order (see <see cref="Merkle.MerkleTree"/>).</summary>
public sealed record DatanetVersion(Hash32 Id, Hash32 Datanet, uint Number, Hash32 Root, int Count, Address PublishedBy, long CreatedHeight) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.DatanetVersion;
    public Hash32? Parent => Datanet;
    public Address Party => PublishedBy;
    public int StatusCode => 0;

    /// <summary>Whether this version holds <paramref name="c"/>: approved below <see cref="Count"/>, or excluded after
    /// this version was published (exclusion keeps a contribution out of later versions only).</summary>
    public bool Contains(Contribution c) => c.Datanet == Datanet && c.ApprovalIndex >= 0 && c.ApprovalIndex < Count
        && (c.Status == Transactions.ContributionStatus.Approved || c.Status == Transactions.ContributionStatus.Excluded && Number <= c.ExcludedAfter);

    /// <summary>keccak256(datanet || number as uint64): a version's id, known to anyone who knows the datanet.</summary>
    public static Hash32 IdOf(Hash32 datanet, uint number)
    {
        Span<byte> b = stackalloc byte[40];
        datanet.CopyTo(b);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b[32..], number);
        return Keccak256.Hash(b);
    }

    public byte[] Encode() => new ObjectWriter()
        .Hash(Id).Hash(Datanet).U32(Number).Hash(Root).I32(Count).Address(PublishedBy).I64(CreatedHeight).ToArray();

    public static DatanetVersion Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var v = new DatanetVersion(r.Hash(), r.Hash(), r.U32(), r.Hash(), r.I32(), r.Address(), r.I64());
        r.End();
        return v;
    }
}
