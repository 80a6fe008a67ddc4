using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Charts;

/// <summary>An account's rewards over time, with the running total, for a cumulative rewards chart.</summary>
public sealed class RewardSeriesType : ObjectGraphType<RewardSeries>
{
    public RewardSeriesType()
    {
        Name = "RewardSeries";
        Description = "Rewards credited per time bucket and the account's cumulative total at the end of each, exact to the wei, oldest bucket first.";
        Field<NonNullGraphType<IntGraphType>>("bucketSeconds").Resolve(c => c.Source.Axis.Seconds);
        Field<NonNullGraphType<DateTimeGraphType>>("from").Description("The first bucket's start.").Resolve(c => TimeBuckets.Time(c.Source.FromMs));
        Field<NonNullGraphType<DateTimeGraphType>>("to").Description("The last bucket's end (after now).").Resolve(c => TimeBuckets.Time(c.Source.Axis.EndMs));
        Field<NonNullGraphType<BooleanGraphType>>("complete")
            .Description($"False when the window held more than {WindowedEvents.MaxEvents:N0} credits: then only the newest were read and the series starts " +
                         "at the first bucket they cover entirely (its cumulative values stay exact).")
            .Resolve(c => c.Source.Complete);
        Field<NonNullGraphType<WeiAmountGraphType>>("total").Description("Everything ever credited to the account, as of asOfHeight.").Resolve(c => c.Source.Summary.Total);
        Field<NonNullGraphType<StringGraphType>>("totalOpen").Resolve(c => c.Source.Summary.Total.ToOpenString());
        Field<NonNullGraphType<LongGraphType>>("asOfHeight").Description("The series counts the credits of the blocks up to this one.").Resolve(c => c.Source.Summary.AsOfHeight);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RewardBucketType>>>>("buckets")
            .ListSize(TimeBuckets.MaxBuckets)
            .Resolve(c => c.Source.Buckets);
    }
}

/// <summary>One time bucket of an account's rewards.</summary>
public sealed class RewardBucketType : ObjectGraphType<RewardBucket>
{
    public RewardBucketType()
    {
        Name = "RewardBucket";
        Field<NonNullGraphType<DateTimeGraphType>>("start").Resolve(c => TimeBuckets.Time(c.Source.StartMs));
        Field<NonNullGraphType<DateTimeGraphType>>("end").Resolve(c => TimeBuckets.Time(c.Source.StartMs + c.Source.Seconds * 1000L));
        Field<NonNullGraphType<WeiAmountGraphType>>("amount").Description("Wei credited in the bucket.").Resolve(c => c.Source.Amount);
        Field<NonNullGraphType<StringGraphType>>("amountOpen").Resolve(c => c.Source.Amount.ToOpenString());
        Field<NonNullGraphType<LongGraphType>>("count").Description("Reward credits in the bucket.").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<WeiAmountGraphType>>("cumulative").Description("Everything credited to the account up to the bucket's end.").Resolve(c => c.Source.Cumulative);
        Field<NonNullGraphType<StringGraphType>>("cumulativeOpen").Resolve(c => c.Source.Cumulative.ToOpenString());
    }
}
