using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Charts;

/// <summary>The chart fields: the chain's activity on the query, an account's rewards over time and a model's
/// revenue over time, each added with one call. Every series takes <c>bucketSeconds</c> and <c>buckets</c> (at most
/// <see cref="TimeBuckets.MaxBuckets"/>, else <c>INVALID_SERIES</c>) and reads a bounded number of rows
/// (<see cref="ChainActivityLimits.MaxBlocks"/> blocks, <see cref="WindowedEvents.MaxEvents"/> events), saying
/// <c>complete: false</c> when the bound cut the window short; the node counts, so a client never pages a history to
/// draw a chart.</summary>
public static class ChartFields
{
    /// <summary>What a series costs the cost analyzer: one bounded read of up to ten thousand rows.</summary>
    private const double SeriesCost = 50;

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static void AddChainActivity(this ObjectGraphType query) =>
        TimeBuckets.Arguments(query.Field<NonNullGraphType<ChainActivityType>>("chainActivity")
                .Description("Committed blocks and transactions per time bucket up to now (blocks/s and transactions/s charts); " +
                             "the blocks subscription continues it live."))
            .Cost(SeriesCost)
            .ResolveAsync(async c =>
            {
                var now = NowMs;
                var axis = TimeBuckets.From(c, now);
                var stamps = await c.Grains().GetGrain<IChainActivityGrain>(0).GetRecentBlocksAsync(axis.StartMs, ChainActivityLimits.MaxBlocks);
                // The read covers the newest MaxBlocks blocks: if it returned that many, older ones may be in the window too.
                var truncated = stamps.Count == ChainActivityLimits.MaxBlocks && stamps[^1].Height > 0;
                return ChainActivity.Count(axis, now, stamps, truncated);
            });

    public static void AddRewardSeries(this AccountType account) =>
        TimeBuckets.Arguments(account.Field<NonNullGraphType<RewardSeriesType>>("rewardSeries")
                .Description("Rewards credited to it per time bucket and its cumulative total at the end of each (a cumulative rewards chart); " +
                             "the rewards subscription continues it live."))
            .Cost(SeriesCost)
            .ResolveAsync(async c =>
            {
                var axis = TimeBuckets.From(c, NowMs);
                var summary = await c.Grains().GetGrain<IRewardAccountGrain>(GrainKeys.Of(c.Source.Address)).GetSummaryAsync();
                // Only the credits the totals counted (blocks up to asOfHeight), so the cumulative values count down exactly.
                var (credits, truncated) = await WindowedEvents.ReadAsync(c.MarketQuery(), new MarketEventQuery(Party: c.Source.Address,
                    Kinds: [MarketEventKind.RewardCredited], BeforeHeight: summary.AsOfHeight + 1, BeforeSeq: 0), axis.StartMs);
                return RewardSeries.Build(axis, summary, credits, truncated);
            });

    public static void AddRevenueSeries(this ModelType model) =>
        TimeBuckets.Arguments(model.Field<NonNullGraphType<ModelRevenueType>>("revenueSeries")
                .Description("Its inferences and revenue (the escrow its settlements split) per time bucket (a revenue chart)."))
            .Cost(SeriesCost)
            .ResolveAsync(async c =>
            {
                var axis = TimeBuckets.From(c, NowMs);
                var (events, truncated) = await WindowedEvents.ReadAsync(c.MarketQuery(), new MarketEventQuery(Model: c.Source.Id, Kinds: ModelRevenue.Kinds), axis.StartMs);
                return ModelRevenue.Build(axis, events, truncated);
            });
}
