using OpenLedger.Core.Money;
using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Charts;

/// <summary>An account's rewards per bucket of a time axis and its cumulative total at the end of each, exact to the
/// wei: the cumulative values count down from the reward totals (<see cref="RewardSummary.Total"/>, as of
/// <see cref="RewardSummary.AsOfHeight"/>) by the credits after each bucket, so only the window's credits are read.</summary>
public sealed record RewardSeries(TimeBuckets Axis, int FirstBucket, IReadOnlyList<RewardBucket> Buckets, RewardSummary Summary, bool Complete)
{
    public long FromMs => Axis.BucketStartMs(FirstBucket);

    /// <param name="credits">The account's RewardCredited events up to the summary's height, newest first, back to the
    /// axis' start (or fewer, when <paramref name="truncated"/>).</param>
    public static RewardSeries Build(TimeBuckets axis, RewardSummary summary, IReadOnlyList<MarketEventMessage> credits, bool truncated)
    {
        var amounts = new Wei[axis.Count];
        var counts = new long[axis.Count];
        Array.Fill(amounts, Wei.Zero);
        // Credits stamped after the axis' end (a producer clock ahead of this gateway's) count only in the cumulative.
        var after = Wei.Zero;
        foreach (var e in credits)
        {
            var amount = e.Amount is null ? Wei.Zero : Wei.Parse(e.Amount);
            if (e.TimestampMs >= axis.EndMs) after += amount;
            else if (axis.IndexOf(e.TimestampMs) is var i and >= 0)
            {
                amounts[i] += amount;
                counts[i]++;
            }
        }
        // Truncated: the oldest credit's bucket may hold older credits not read, so the series starts after it.
        var first = truncated && credits.Count > 0 ? Math.Max(0, axis.IndexOf(credits[^1].TimestampMs)) + 1 : 0;
        var buckets = new RewardBucket[axis.Count - first];
        var cumulative = summary.Total - after;
        for (var i = axis.Count - 1; i >= first; i--)
        {
            buckets[i - first] = new RewardBucket(axis.BucketStartMs(i), axis.Seconds, amounts[i], counts[i], cumulative);
            cumulative -= amounts[i];
        }
        return new RewardSeries(axis, first, buckets, summary, !truncated);
    }
}

/// <summary>One bucket of <see cref="RewardSeries"/>: what was credited in [StartMs, StartMs + Seconds) and the
/// account's total at its end.</summary>
public sealed record RewardBucket(long StartMs, int Seconds, Wei Amount, long Count, Wei Cumulative);
