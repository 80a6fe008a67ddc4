using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Charts;

namespace OpenLedger.Tests.Clients;

/// <summary>How the chart series count what they read (the node tests read whole windows; these cut them short): a
/// read stopped by its bound drops the bucket it may have read only partly, so every bucket shown is exact, and a
/// reward series' cumulative values stay exact to the wei whatever part of the history was read.</summary>
public sealed class ChartSeriesTests
{
    // Ten buckets of 10 s ending at 100 s (the bucket holding 95 s is the last).
    private static readonly TimeBuckets Axis = new(10, 10, 100_000);

    private static MarketEventMessage Credit(long timestampMs, long wei, string kind = "RewardCredited") =>
        new(timestampMs, 0, 0, kind, Keccak256.Hash("i").ToString(), null, wei.ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, null, null, null, "contributor", Keccak256.Hash("t").ToString(), timestampMs);

    private static RewardSummary Summary(long total) => new(Address.Parse(Keccak256.Hash("a").ToString()[..42]), new Wei((ulong)total), 0, [], [], [], 7);

    [Fact]
    public void A_whole_window_fills_every_bucket_and_the_cumulative_runs_from_what_came_before()
    {
        // 100 wei credited before the window, then 1, 2 and 4 inside it.
        var credits = new[] { Credit(95_000, 4), Credit(31_000, 2), Credit(30_000, 1) };
        var s = RewardSeries.Build(Axis, Summary(107), credits, truncated: false);
        Assert.True(s.Complete);
        Assert.Equal(10, s.Buckets.Count);
        Assert.Equal(Enumerable.Repeat(100UL, 3).Concat(Enumerable.Repeat(103UL, 6)).Append(107UL), s.Buckets.Select(b => (ulong)b.Cumulative.Value));
        Assert.Equal((2L, 3UL), (s.Buckets[3].Count, (ulong)s.Buckets[3].Amount.Value));
    }

    [Fact]
    public void A_read_cut_short_starts_after_the_bucket_it_may_have_read_partly_and_stays_exact()
    {
        // The bound stopped the read at the credit of 31 s: bucket [30, 40) may hold more, so the series starts at 40 s.
        var credits = new[] { Credit(95_000, 4), Credit(52_000, 8), Credit(31_000, 2) };
        var s = RewardSeries.Build(Axis, Summary(1_000), credits, truncated: true);
        Assert.False(s.Complete);
        Assert.Equal((4, 40_000L), (s.FirstBucket, s.FromMs));
        Assert.Equal(6, s.Buckets.Count);
        Assert.Equal([988UL, 996, 996, 996, 996, 1000], s.Buckets.Select(b => (ulong)b.Cumulative.Value));

        var m = ModelRevenue.Build(Axis, [Credit(95_000, 5, "InferenceSettled"), Credit(31_000, 5, "InferenceRequested")], truncated: true);
        Assert.Equal((4, 6, "5"), (m.FirstBucket, m.Buckets.Count, m.Revenue.ToString()));
        Assert.Equal(0, m.Buckets.Sum(b => b.Requested));
    }

    [Fact]
    public void Chain_activity_counts_blocks_and_transactions_per_bucket_and_drops_a_partly_read_one()
    {
        BlockStampView[] stamps = [new(5, 99_000, 3), new(4, 91_000, 0), new(3, 45_000, 7), new(2, 41_000, 1)];
        var whole = ChainActivity.Count(Axis, 99_500, stamps, truncated: false);
        Assert.Equal((4, 11L, 2L, 5L), (whole.Blocks, whole.Transactions, whole.FromHeight!.Value, whole.ToHeight!.Value));
        Assert.Equal((2, 8L), (whole.Buckets[4].Blocks, whole.Buckets[4].Transactions));

        var cut = ChainActivity.Count(Axis, 99_500, stamps, truncated: true);
        Assert.Equal((5, 2, 3L, 4L), (cut.FirstBucket, cut.Blocks, cut.Transactions, cut.FromHeight!.Value));
        Assert.False(cut.Complete);
    }

    [Fact]
    public void The_axis_ends_with_the_bucket_holding_now_on_bucket_edges()
    {
        var axis = new TimeBuckets(60, 3, (123_456_789 / 60_000 + 1) * 60_000);
        Assert.Equal(0, axis.EndMs % 60_000);
        Assert.Equal(axis.Count - 1, axis.IndexOf(123_456_789));
        Assert.Equal(-1, axis.IndexOf(axis.EndMs));
        Assert.Equal(-1, axis.IndexOf(axis.StartMs - 1));
        Assert.Equal(0, axis.IndexOf(axis.StartMs));
    }
}
