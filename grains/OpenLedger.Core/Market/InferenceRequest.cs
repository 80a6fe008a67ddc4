using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Market;

public enum InferenceStatus : byte { Requested = 1, Served = 2, Settled = 3, Expired = 4 }

/// <summary>A paid inference: the escrow it holds, the model version and fee split it was requested under (later
/// model updates do not change them), its result and its settlement. Its id is the requesting transaction's hash.</summary>
public sealed record InferenceRequest(
    Hash32 Id, Hash32 Model, uint ModelVersion, Address Caller, Hash32 Input, Wei Escrow,
    ushort OwnerBps, ushort ContributorsBps, ushort ProtocolBps,
    InferenceStatus Status, Hash32 Output, Address Server, Hash32 Record, Address Settler,
    long CreatedHeight, long DeadlineHeight, long ResolvedHeight) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.Inference;
    public Hash32? Parent => Model;
    public Address Party => Caller;
    public int StatusCode => (int)Status;
    public bool IsOpen => Status is InferenceStatus.Requested or InferenceStatus.Served;

    public byte[] Encode() => new ObjectWriter()
        .Hash(Id).Hash(Model).U32(ModelVersion).Address(Caller).Hash(Input).Wei(Escrow).U16(OwnerBps).U16(ContributorsBps).U16(ProtocolBps)
        .Byte((byte)Status).Hash(Output).Address(Server).Hash(Record).Address(Settler).I64(CreatedHeight).I64(DeadlineHeight).I64(ResolvedHeight)
        .ToArray();

    public static InferenceRequest Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var i = new InferenceRequest(r.Hash(), r.Hash(), r.U32(), r.Address(), r.Hash(), r.Wei(), r.U16(), r.U16(), r.U16(),
            (InferenceStatus)r.Byte(), r.Hash(), r.Address(), r.Hash(), r.Address(), r.I64(), r.I64(), r.I64());
        r.End();
        return i;
    }
}
