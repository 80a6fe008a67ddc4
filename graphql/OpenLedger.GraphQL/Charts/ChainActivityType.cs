using GraphQL.Types;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Charts;

/// <summary>The chain's activity over time, for the overview's blocks/s and transactions/s charts.</summary>
public sealed class ChainActivityType : ObjectGraphType<ChainActivity>
{
    public ChainActivityType()
    {
        Name = "ChainActivity";
        Description = "Committed blocks and transactions per time bucket, oldest bucket first; the last bucket holds now and is still filling.";
        Field<NonNullGraphType<IntGraphType>>("bucketSeconds").Resolve(c => c.Source.Axis.Seconds);
        Field<NonNullGraphType<DateTimeGraphType>>("from").Description("The first bucket's start.").Resolve(c => TimeBuckets.Time(c.Source.FromMs));
        Field<NonNullGraphType<DateTimeGraphType>>("to").Description("The last bucket's end (after now).").Resolve(c => TimeBuckets.Time(c.Source.Axis.EndMs));
        Field<NonNullGraphType<BooleanGraphType>>("complete")
            .Description($"False when the window held more than {OpenLedger.Grains.Ledger.ChainActivityLimits.MaxBlocks:N0} blocks: then only the newest were " +
                         "counted and the series starts at the first bucket they cover entirely (fewer buckets than asked for).")
            .Resolve(c => c.Source.Complete);
        Field<LongGraphType>("fromHeight").Description("The oldest block counted (null if none).").Resolve(c => c.Source.FromHeight);
        Field<LongGraphType>("toHeight").Description("The newest block counted (null if none).").Resolve(c => c.Source.ToHeight);
        Field<NonNullGraphType<IntGraphType>>("blockCount").Resolve(c => c.Source.Blocks);
        Field<NonNullGraphType<LongGraphType>>("transactionCount").Resolve(c => c.Source.Transactions);
        Field<NonNullGraphType<FloatGraphType>>("blocksPerSecond").Description("Blocks counted over the seconds from the series' start to now.")
            .Resolve(c => c.Source.Blocks / c.Source.Seconds);
        Field<NonNullGraphType<FloatGraphType>>("transactionsPerSecond").Description("Transactions counted over the seconds from the series' start to now.")
            .Resolve(c => c.Source.Transactions / c.Source.Seconds);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ActivityBucketType>>>>("buckets")
            .ListSize(TimeBuckets.MaxBuckets)
            .Resolve(c => c.Source.Buckets);
    }
}

/// <summary>One time bucket of the chain's activity.</summary>
public sealed class ActivityBucketType : ObjectGraphType<ActivityBucket>
{
    public ActivityBucketType()
    {
        Name = "ActivityBucket";
        Field<NonNullGraphType<DateTimeGraphType>>("start").Resolve(c => TimeBuckets.Time(c.Source.StartMs));
        Field<NonNullGraphType<DateTimeGraphType>>("end").Resolve(c => TimeBuckets.Time(c.Source.StartMs + c.Source.Seconds * 1000L));
        Field<NonNullGraphType<IntGraphType>>("blocks").Resolve(c => c.Source.Blocks);
        Field<NonNullGraphType<LongGraphType>>("transactions").Resolve(c => c.Source.Transactions);
        Field<NonNullGraphType<FloatGraphType>>("blocksPerSecond").Resolve(c => c.Source.Blocks / (double)c.Source.Seconds);
        Field<NonNullGraphType<FloatGraphType>>("transactionsPerSecond").Resolve(c => c.Source.Transactions / (double)c.Source.Seconds);
    }
}
