using GraphQL.Types;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>An account's reward totals as of a block.</summary>
public sealed class RewardSummaryType : ObjectGraphType<RewardSummary>
{
    public RewardSummaryType()
    {
        Name = "RewardSummary";
        Description = "Everything credited to an account by settlements: in total, by role, by datanet and by model.";
        Field<NonNullGraphType<AddressGraphType>>("account").Resolve(c => c.Source.Account);
        Field<NonNullGraphType<WeiAmountGraphType>>("total").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<StringGraphType>>("totalOpen").Resolve(c => c.Source.Total.ToOpenString());
        Field<NonNullGraphType<LongGraphType>>("count").Description("Reward credits.").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RewardTotalType>>>>("byRole").ListSize(3).Resolve(c => c.Source.ByRole);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RewardTotalType>>>>("byDatanet").Resolve(c => c.Source.ByDatanet);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RewardTotalType>>>>("byModel").Resolve(c => c.Source.ByModel);
        Field<NonNullGraphType<LongGraphType>>("asOfHeight").Resolve(c => c.Source.AsOfHeight);
    }
}
