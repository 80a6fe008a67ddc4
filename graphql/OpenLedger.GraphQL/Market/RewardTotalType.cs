using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
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
        // The scope of byDatanet and byModel is an id: resolved here so a client shows names without a query per row.
        Field<DatanetType>("datanet").Description("The datanet, when the scope is a datanet's id.")
            .Resolve(c => Hash32.TryParse(c.Source.Scope, out var id) ? c.Load<Datanet>(id) : null);
        Field<ModelType>("model").Description("The model, when the scope is a model's id.")
            .Resolve(c => Hash32.TryParse(c.Source.Scope, out var id) ? c.Load<Model>(id) : null);
    }
}
