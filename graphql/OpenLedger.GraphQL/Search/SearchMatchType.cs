using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;

namespace OpenLedger.GraphQL.Search;

/// <summary>A search's match: its kind and key, and the object under the field named after its kind (the others null).</summary>
public sealed class SearchMatchType : ObjectGraphType<SearchMatch>
{
    public SearchMatchType()
    {
        Name = "SearchMatch";
        Description = "Something the searched text names; the field named after its kind holds it, the others are null.";
        Field<NonNullGraphType<SearchKindType>>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<StringGraphType>>("key").Description("A block height, a hash or an EIP-55 address: what a link to its page needs.").Resolve(c => c.Source.Key);
        Field<BlockType>("block").Resolve(c => c.Source.Target as BlockView);
        Field<TransactionType>("transaction").Resolve(c => c.Source.Target as TransactionView);
        Field<AccountType>("account").ResolveAsync(async c => c.Source.Target is Address a
            ? await c.Grains().GetGrain<IAccountGrain>(GrainKeys.Of(a)).GetAsync() : null);
        Field<DatanetType>("datanet").Resolve(c => c.Source.Target as Datanet);
        Field<ContributionType>("contribution").Resolve(c => c.Source.Target as Contribution);
        Field<DatanetVersionType>("datanetVersion").Resolve(c => c.Source.Target as DatanetVersion);
        Field<ModelType>("model").Resolve(c => c.Source.Target as Model);
        Field<InferenceType>("inference").Resolve(c => c.Source.Target as InferenceRequest);
    }
}

public sealed class SearchKindType : EnumerationGraphType<SearchKind>
{
    public SearchKindType() { Name = "SearchKind"; Description = "What a searched value names."; }
}
