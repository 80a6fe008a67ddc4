using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Charts;

/// <summary>A model's inferences and revenue per bucket of a time axis, from its committed InferenceRequested,
/// InferenceSettled and InferenceExpired events. Revenue is the escrow of the inferences settled in the bucket: what
/// callers paid, before the split (the model's bps say how it splits; the owner's exact share is in its rewards).</summary>
public sealed record ModelRevenue(TimeBuckets Axis, int FirstBucket, IReadOnlyList<RevenueBucket> Buckets, bool Complete)
{
    public static readonly MarketEventKind[] Kinds = [MarketEventKind.InferenceRequested, MarketEventKind.InferenceSettled, MarketEventKind.InferenceExpired];

    public long FromMs => Axis.BucketStartMs(FirstBucket);

    public Wei Revenue => Buckets.Aggregate(Wei.Zero, (sum, b) => sum + b.Revenue);

    /// <param name="events">The model's events of <see cref="Kinds"/>, newest first, back to the axis' start (or
    /// fewer, when <paramref name="truncated"/>: then the series starts after the oldest one's bucket).</param>
    public static ModelRevenue Build(TimeBuckets axis, IReadOnlyList<MarketEventMessage> events, bool truncated)
    {
        var requested = new long[axis.Count];
        var settled = new long[axis.Count];
        var expired = new long[axis.Count];
        var revenue = new Wei[axis.Count];
        Array.Fill(revenue, Wei.Zero);
        foreach (var e in events)
        {
            if (axis.IndexOf(e.TimestampMs) is not (var i and >= 0)) continue;
            switch (e.Kind)
            {
                case nameof(MarketEventKind.InferenceRequested): requested[i]++; break;
                case nameof(MarketEventKind.InferenceExpired): expired[i]++; break;
                case nameof(MarketEventKind.InferenceSettled):
                    settled[i]++;
                    if (e.Amount is not null) revenue[i] += Wei.Parse(e.Amount);
                    break;
            }
        }
        var first = truncated && events.Count > 0 ? Math.Max(0, axis.IndexOf(events[^1].TimestampMs)) + 1 : 0;
        var buckets = Enumerable.Range(first, axis.Count - first)
            .Select(i => new RevenueBucket(axis.BucketStartMs(i), axis.Seconds, requested[i], settled[i], expired[i], revenue[i])).ToList();
        return new ModelRevenue(axis, first, buckets, !truncated);
    }
}

/// <summary>One bucket of <see cref="ModelRevenue"/>.</summary>
public sealed record RevenueBucket(long StartMs, int Seconds, long Requested, long Settled, long Expired, Wei Revenue);
