using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Market;

/// <summary>A contribution to a datanet. Its content is immutable; curation sets its status once. An approved
/// contribution has an <see cref="ApprovalIndex"/>: its position in the datanet's approved list, which is what
/// a version freezes (version n holds the approved contributions with index below its count). One still pending after
/// <see cref="DeadlineHeight"/> (its block + the genesis' curationTimeoutBlocks) expires at the start of the next
/// block: its stake returns to the contributor and <see cref="CuratedHeight"/> is the block that returned it.</summary>
public sealed record Contribution(
    Hash32 Id, Hash32 Datanet, Address Contributor, Hash32 Content, Hash32 NormalizedContent, ulong Size,
    Wei Fee, Wei Stake, ContributionStatus Status, int ApprovalIndex, Address Curator, string Reason,
    long CreatedHeight, long CuratedHeight, long DeadlineHeight) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.Contribution;
    public Hash32? Parent => Datanet;
    public Address Party => Contributor;
    public int StatusCode => (int)Status;

    public byte[] Encode() => new ObjectWriter()
        .Hash(Id).Hash(Datanet).Address(Contributor).Hash(Content).Hash(NormalizedContent).U64(Size).Wei(Fee).Wei(Stake)
        .Byte((byte)Status).I32(ApprovalIndex).Address(Curator).String(Reason).I64(CreatedHeight).I64(CuratedHeight).I64(DeadlineHeight).ToArray();

    public static Contribution Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var c = new Contribution(r.Hash(), r.Hash(), r.Address(), r.Hash(), r.Hash(), r.U64(), r.Wei(), r.Wei(),
            (ContributionStatus)r.Byte(), r.I32(), r.Address(), r.String(), r.I64(), r.I64(), r.I64());
        r.End();
        return c;
    }
}
