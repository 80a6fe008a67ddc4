using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Market;

/// <summary>One version of a model: what it was trained on and the artifacts that prove it.</summary>
public sealed record ModelVersion(uint Number, Hash32 Adapter, Hash32 TrainingRecord, Hash32[] DatanetVersions, long Height);

/// <summary>A registered model. Its id is the hash of the registering transaction; versions are numbered from 1, at most
/// the genesis' maxModelVersions. What each inference counts is kept apart, in its <see cref="ModelUsage"/>.</summary>
public sealed record Model(
    Hash32 Id, Address Owner, string Name, string BaseModel, Wei Price, ushort OwnerBps, ushort ContributorsBps,
    ushort ProtocolBps, ModelStatus Status, ModelVersion[] Versions, long CreatedHeight) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.Model;
    public Hash32? Parent => null;
    public Address Party => Owner;
    public int StatusCode => (int)Status;
    public ModelVersion Current => Versions[^1];

    public byte[] Encode() => new ObjectWriter()
        .Hash(Id).Address(Owner).String(Name).String(BaseModel).Wei(Price).U16(OwnerBps).U16(ContributorsBps).U16(ProtocolBps)
        .Byte((byte)Status)
        .Array(Versions, (w, v) => w.U32(v.Number).Hash(v.Adapter).Hash(v.TrainingRecord).Array(v.DatanetVersions, (x, h) => x.Hash(h)).I64(v.Height))
        .I64(CreatedHeight).ToArray();

    public static Model Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var m = new Model(r.Hash(), r.Address(), r.String(), r.String(), r.Wei(), r.U16(), r.U16(), r.U16(), (ModelStatus)r.Byte(),
            r.Array((ref ObjectReader x) => new ModelVersion(x.U32(), x.Hash(), x.Hash(), x.Array((ref ObjectReader y) => y.Hash()), x.I64())),
            r.I64());
        r.End();
        return m;
    }
}
