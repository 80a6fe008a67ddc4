using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>One contribution an attribution record credited, with what the settlement paid it.</summary>
public sealed class AttributedContributionType : ObjectGraphType<AttributionShare>
{
    public AttributedContributionType()
    {
        Name = "AttributedContribution";
        Description = "A contribution an inference's attribution credited: its raw influence score, its share, its weight and its payout.";
        Field<ContributionType>("contribution").Description("The contribution (null if this chain has none with that id).").Resolve(c => c.Load<Contribution>(c.Source.Contribution));
        Field<NonNullGraphType<HashGraphType>>("contributionId").Resolve(c => c.Source.Contribution);
        Field<NonNullGraphType<FloatGraphType>>("score").Description("The summed raw influence of its training examples on the output.").Resolve(c => c.Source.Score);
        Field<NonNullGraphType<FloatGraphType>>("share").Description("Its part of the credited influence, 0 to 1.").Resolve(c => c.Source.Share);
        Field<NonNullGraphType<LongGraphType>>("weight").Description("Its integer weight in the settlement (of the method's scale: parts per million).").Resolve(c => (long)c.Source.Weight);
        Field<WeiAmountGraphType>("payout").Description("The wei this inference's settlement credited it; null if the settlement did not pay it.").Resolve(c => c.Source.Payout);
    }
}
