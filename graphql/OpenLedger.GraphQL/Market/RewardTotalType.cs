using GraphQL.Types;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>Rewards credited in one scope: a role, a datanet or a model.</summary>
public sealed class RewardTotalType : ObjectGraphType<RewardTotal>
{
    public RewardTotalType()
    {
        Name = "RewardTotal";
        Field<NonNullGraphType<StringGraphType>>("scope").Description("A role (contributor, owner, protocol), a datanet id or a model id.").Resolve(c => c.Source.Scope);
        Field<NonNullGraphType<WeiAmountGraphType>>("amount").Resolve(c => c.Source.Amount);
        Field<NonNullGraphType<StringGraphType>>("amountOpen").Resolve(c => c.Source.Amount.ToOpenString());
        Field<NonNullGraphType<LongGraphType>>("count").Resolve(c => c.Source.Count);
    }
}
