using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Charts;

/// <summary>Blocks and transactions per bucket of a time axis, counted from the newest blocks' stamps.</summary>
public sealed record ChainActivity(TimeBuckets Axis, long NowMs, int FirstBucket, IReadOnlyList<ActivityBucket> Buckets,
    long? FromHeight, long? ToHeight, bool Complete)
{
    public long FromMs => Axis.BucketStartMs(FirstBucket);

    /// <summary>Counts <paramref name="stamps"/> (newest first, all at or after the axis' start) into the axis'
    /// buckets. When <paramref name="truncated"/> (the read stopped at its bound), the bucket holding the oldest stamp
    /// may lack older blocks, so the series starts after it: every bucket shown is exact.</summary>
    public static ChainActivity Count(TimeBuckets axis, long nowMs, IReadOnlyList<BlockStampView> stamps, bool truncated)
    {
        var blocks = new int[axis.Count];
        var transactions = new long[axis.Count];
        foreach (var s in stamps)
            if (axis.IndexOf(s.TimestampMs) is var i and >= 0)
            {
                blocks[i]++;
                transactions[i] += s.TransactionCount;
            }
        var first = truncated && stamps.Count > 0 ? Math.Max(0, axis.IndexOf(stamps[^1].TimestampMs)) + 1 : 0;
        var buckets = Enumerable.Range(first, axis.Count - first)
            .Select(i => new ActivityBucket(axis.BucketStartMs(i), axis.Seconds, blocks[i], transactions[i])).ToList();
        var counted = stamps.Where(s => axis.IndexOf(s.TimestampMs) >= first).ToList();
        return new ChainActivity(axis, nowMs, first, buckets, counted.Count > 0 ? counted[^1].Height : null,
            counted.Count > 0 ? counted[0].Height : null, !truncated);
    }

    public int Blocks => Buckets.Sum(b => b.Blocks);
    public long Transactions => Buckets.Sum(b => b.Transactions);

    /// <summary>Seconds from the series' start to now (what the overall rates divide by).</summary>
    public double Seconds => Math.Max(1, NowMs - FromMs) / 1000.0;
}

/// <summary>One bucket of <see cref="ChainActivity"/>: [StartMs, StartMs + Seconds).</summary>
public sealed record ActivityBucket(long StartMs, int Seconds, int Blocks, long Transactions);
