using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Market;

/// <summary>A contribution to a datanet. Its content is immutable; curation sets its status once. An approved
/// contribution has an <see cref="ApprovalIndex"/>: its position in the datanet's approved list, which is what
/// a version freezes (version n holds the approved contributions with index below its count). One still pending after
/// <see cref="DeadlineHeight"/> (its block + the genesis' curationTimeoutBlocks) expires at the start of the next
/// block: its stake returns to the contributor and <see cref="CuratedHeight"/> is the block that returned it.
/// An excluded one keeps its approval index (the versions published before its exclusion hold it) and records in
/// <see cref="ExcludedAfter"/> how many versions its datanet had then; <see cref="Curator"/>, <see cref="Reason"/> and
/// <see cref="CuratedHeight"/> become the exclusion's. <see cref="ExcludedAfter"/> is encoded only for an excluded
/// contribution, so every other contribution keeps the bytes (and the state root) it had before exclusion existed.</summary>
public sealed record Contribution(
    Hash32 Id, Hash32 Datanet, Address Contributor, Hash32 Content, Hash32 NormalizedContent, ulong Size,
    Wei Fee, Wei Stake, ContributionStatus Status, int ApprovalIndex, Address Curator, string Reason,
    long CreatedHeight, long CuratedHeight, long DeadlineHeight, uint ExcludedAfter = 0) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.Contribution;
    public Hash32? Parent => Datanet;
    public Address Party => Contributor;
    public int StatusCode => (int)Status;

    public byte[] Encode() => WithExclusion(new ObjectWriter()
        .Hash(Id).Hash(Datanet).Address(Contributor).Hash(Content).Hash(NormalizedContent).U64(Size).Wei(Fee).Wei(Stake)
        .Byte((byte)Status).I32(ApprovalIndex).Address(Curator).String(Reason).I64(CreatedHeight).I64(CuratedHeight).I64(DeadlineHeight)).ToArray();

    private ObjectWriter WithExclusion(ObjectWriter w) => Status == ContributionStatus.Excluded ? w.U32(ExcludedAfter) : w;

    public static Contribution Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var c = new Contribution(r.Hash(), r.Hash(), r.Address(), r.Hash(), r.Hash(), r.U64(), r.Wei(), r.Wei(),
            (ContributionStatus)r.Byte(), r.I32(), r.Address(), r.String(), r.I64(), r.I64(), r.I64());
        if (c.Status == ContributionStatus.Excluded) c = c with { ExcludedAfter = r.U32() };
        r.End();
        return c;
    }
}
