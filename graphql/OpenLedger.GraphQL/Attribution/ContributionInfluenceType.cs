using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>How often and how much settled inferences paid one contribution.</summary>
public sealed class ContributionInfluenceType : ObjectGraphType<ContributionInfluence>
{
    public ContributionInfluenceType()
    {
        Name = "ContributionInfluence";
        Description = "What settlements credited a contribution: from the ledger's committed RewardCredited events, so it is exact.";
        Field<NonNullGraphType<LongGraphType>>("inferences").Description("Settled inferences that credited it.").Resolve(c => c.Source.Inferences);
        Field<NonNullGraphType<WeiAmountGraphType>>("paidWei").Description("Everything those settlements credited its contributor for it.").Resolve(c => c.Source.Paid);
        Field<LongGraphType>("lastPaidHeight").Description("The block of the latest credit (null if never paid).").Resolve(c => c.Source.LastPaidHeight);
        Field<HashGraphType>("lastInference").Description("The inference of the latest credit (null if never paid).").Resolve(c => c.Source.LastInference);
    }
}
