using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Charts;

/// <summary>A model's inferences and revenue over time, for its revenue chart.</summary>
public sealed class ModelRevenueType : ObjectGraphType<ModelRevenue>
{
    public ModelRevenueType()
    {
        Name = "ModelRevenue";
        Description = "A model's inferences requested, settled and expired, and the escrow its settlements split (its revenue before the split), " +
                      "per time bucket, oldest bucket first.";
        Field<NonNullGraphType<IntGraphType>>("bucketSeconds").Resolve(c => c.Source.Axis.Seconds);
        Field<NonNullGraphType<DateTimeGraphType>>("from").Description("The first bucket's start.").Resolve(c => TimeBuckets.Time(c.Source.FromMs));
        Field<NonNullGraphType<DateTimeGraphType>>("to").Description("The last bucket's end (after now).").Resolve(c => TimeBuckets.Time(c.Source.Axis.EndMs));
        Field<NonNullGraphType<BooleanGraphType>>("complete")
            .Description($"False when the window held more than {WindowedEvents.MaxEvents:N0} of its events: then only the newest were read and the " +
                         "series starts at the first bucket they cover entirely.")
            .Resolve(c => c.Source.Complete);
        Field<NonNullGraphType<WeiAmountGraphType>>("revenue").Description("The buckets' revenue together.").Resolve(c => c.Source.Revenue);
        Field<NonNullGraphType<StringGraphType>>("revenueOpen").Resolve(c => c.Source.Revenue.ToOpenString());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RevenueBucketType>>>>("buckets")
            .ListSize(TimeBuckets.MaxBuckets)
            .Resolve(c => c.Source.Buckets);
    }
}

/// <summary>One time bucket of a model's revenue.</summary>
public sealed class RevenueBucketType : ObjectGraphType<RevenueBucket>
{
    public RevenueBucketType()
    {
        Name = "RevenueBucket";
        Field<NonNullGraphType<DateTimeGraphType>>("start").Resolve(c => TimeBuckets.Time(c.Source.StartMs));
        Field<NonNullGraphType<DateTimeGraphType>>("end").Resolve(c => TimeBuckets.Time(c.Source.StartMs + c.Source.Seconds * 1000L));
        Field<NonNullGraphType<LongGraphType>>("requested").Description("Inferences requested (and escrowed).").Resolve(c => c.Source.Requested);
        Field<NonNullGraphType<LongGraphType>>("settled").Resolve(c => c.Source.Settled);
        Field<NonNullGraphType<LongGraphType>>("expired").Description("Inferences not settled in time (refunded, or paid to the owner if served and the genesis says so).")
            .Resolve(c => c.Source.Expired);
        Field<NonNullGraphType<WeiAmountGraphType>>("revenue").Description("The escrow of the inferences settled in the bucket, before the split.").Resolve(c => c.Source.Revenue);
        Field<NonNullGraphType<StringGraphType>>("revenueOpen").Resolve(c => c.Source.Revenue.ToOpenString());
    }
}
