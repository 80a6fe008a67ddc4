using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Market;

/// <summary>A datanet: its rules, its curators and its counters (contributions, and of them approved, rejected and
/// expired uncurated). Its id is the hash of the creating transaction.</summary>
public sealed record Datanet(
    Hash32 Id, Address Owner, string Name, string Description, string[] Tags, string License, TaskKind Task,
    Wei FeePerKb, Wei Stake, ForfeitRule ForfeitTo, Address[] Curators, long CreatedHeight,
    int Contributions, int Approved, int Rejected, uint Versions, int Expired) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.Datanet;
    public Hash32? Parent => null;
    public Address Party => Owner;
    public int StatusCode => 0;

    public bool MayCurate(Address a) => a == Owner || Array.IndexOf(Curators, a) >= 0;

    /// <summary>Contributions waiting for curation, their stakes held.</summary>
    public int Pending => Contributions - Approved - Rejected - Expired;

    /// <summary>The fee for content of <paramref name="size"/> bytes: per started KiB.</summary>
    public bool TryFee(ulong size, out Wei fee) => Wei.TryMultiply(FeePerKb, size / 1024 + (size % 1024 != 0 ? 1UL : 0UL), out fee); // no wrap near 2^64

    /// <summary>What contributing content of <paramref name="size"/> bytes takes from the contributor: the fee (to the
    /// owner) and, with the stake (held until curation), the cost; false if either overflows.</summary>
    public bool TryCost(ulong size, out Wei fee, out Wei cost)
    {
        cost = Wei.Zero;
        return TryFee(size, out fee) && Wei.TryAdd(fee, Stake, out cost);
    }

    public byte[] Encode() => new ObjectWriter()
        .Hash(Id).Address(Owner).String(Name).String(Description).Array(Tags, (w, t) => w.String(t)).String(License)
        .Byte((byte)Task).Wei(FeePerKb).Wei(Stake).Byte((byte)ForfeitTo).Array(Curators, (w, c) => w.Address(c))
        .I64(CreatedHeight).I32(Contributions).I32(Approved).I32(Rejected).U32(Versions).I32(Expired).ToArray();

    public static Datanet Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var d = new Datanet(r.Hash(), r.Address(), r.String(), r.String(), r.Array((ref ObjectReader x) => x.String()), r.String(),
            (TaskKind)r.Byte(), r.Wei(), r.Wei(), (ForfeitRule)r.Byte(), r.Array((ref ObjectReader x) => x.Address()),
            r.I64(), r.I32(), r.I32(), r.I32(), r.U32(), r.I32());
        r.End();
        return d;
    }
}
