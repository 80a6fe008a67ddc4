using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Books;
using OpenLedger.GraphQL.Charts;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Search;

using OpenLedger.GraphQL.ModelFactory;
using OpenLedger.GraphQL.Serving;

namespace OpenLedger.GraphQL.Schema;

/// <summary>Reads, named the way explorers think (after EIP-1767): chain, block, blocks, transaction, account, mempool;
/// and the marketplace: datanets, contributions, versions, models, inferences, rewards, events and content.
/// Objects by id are null when unknown (or of another kind); lists are newest first.</summary>
public sealed class LedgerQuery : ObjectGraphType
{
    public const int MaxPageSize = 100;

    public LedgerQuery()
    {
        Name = "Query";
        this.AddMlQueries();
        this.AddServedBaseModels();
        Field<NonNullGraphType<ChainType>>("chain").ResolveAsync(async c => await c.Grains().GetGrain<IChainGrain>(0).GetInfoAsync());

        Field<BlockType>("block")
            .Description("A block by height or by hash (give one). Without either: the head.")
            .Argument<LongGraphType>("height")
            .Argument<HashGraphType>("hash")
            .ResolveAsync(async c =>
            {
                var grains = c.Grains();
                var height = c.GetArgument<long?>("height");
                var hash = c.GetArgument<Hash32?>("hash");
                if (height is not null && hash is not null) throw new InvalidInputError("BAD_ARGUMENTS", "give height or hash, not both");
                if (hash is { } h)
                {
                    var found = await grains.GetGrain<IChainGrain>(0).HeightOfAsync(h);
                    if (found is null) return null;
                    height = found;
                }
                height ??= (await grains.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
                return height < 0 ? null : await c.LoadBlock(height.Value).GetResultAsync();
            });

        Connection<BlockType, EdgeType<BlockType>, NodesConnectionType<BlockType, BlockView>>("blocks")
            .Description("Blocks, newest first.")
            .PageSize(20)
            .ResolveAsync(async c =>
            {
                var first = Math.Clamp(c.First ?? 20, 1, MaxPageSize);
                var grains = GrainReferences.Of(c.Grains());
                var head = (await grains.Chain.GetInfoAsync()).HeadHeight;
                var start = Cursors.Decode(c.After) is { } after ? after.Height - 1 : head;
                // Heights are contiguous, so whether a next page exists is known without reading one more block.
                var count = (int)Math.Clamp(start + 1, 0, first);
                // The page is one set of parallel grain calls awaited once. Not through the request's block loader:
                // its per-key bookkeeping and one await per block cost more than the page's own work here, and a page
                // has no duplicate heights for it to merge.
                var reads = new Task<BlockView?>[count];
                for (var i = 0; i < count; i++) reads[i] = grains.Block(start - i).GetAsync();
                var rows = new List<BlockView>(count);
                foreach (var view in await Task.WhenAll(reads))
                    if (view is not null) rows.Add(view);
                var page = Cursors.Page(rows, first, b => new Cursors.Position(b.Height, 0), totalCount: (int)Math.Min(head + 1, int.MaxValue), hasPrevious: start < head,
                    edgeCursors: Cursors.SelectsEdges(c));
                page.PageInfo!.HasNextPage = rows.Count > 0 && rows[^1].Height > 0;
                return page;
            });

        Field<TransactionType>("transaction")
            .Description("The transaction: COMMITTED (with its receipt, block and inclusion proof) or PENDING in the mempool. " +
                         "Null when the node holds neither: never received, evicted, or lost with the mempool's silo; the sender " +
                         "resubmits the same signed transaction (README \"Mempool\").")
            .Argument<NonNullGraphType<HashGraphType>>("hash")
            .ResolveAsync(async c =>
            {
                var view = await c.Grains().GetGrain<ITransactionGrain>(GrainKeys.Of(c.GetArgument<Hash32>("hash"))).GetAsync();
                return view.Status == TxStatus.Unknown ? null : view;
            });

        Field<NonNullGraphType<AccountType>>("account")
            .Argument<NonNullGraphType<AddressGraphType>>("address")
            .ResolveAsync(async c => await c.Grains().GetGrain<IAccountGrain>(GrainKeys.Of(c.GetArgument<Address>("address"))).GetAsync());

        this.AddChainActivity();
        this.AddSearch();

        Field<NonNullGraphType<MempoolStatsType>>("mempool").ResolveAsync(async c => await c.Grains().GetGrain<IMempoolGrain>(0).GetStatsAsync());

        AddMarketplace();
    }

    private void AddMarketplace()
    {
        Field<DatanetType>("datanet").Argument<NonNullGraphType<HashGraphType>>("id")
            .Resolve(c => c.Load<Datanet>(c.GetArgument<Hash32>("id")));

        Connection<DatanetType, EdgeType<DatanetType>, NodesConnectionType<DatanetType, Datanet>>("datanets")
            .Description("Datanets, newest first; optionally of one owner.")
            .Argument<AddressGraphType>("owner", "Only this account's datanets.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<Datanet>(c,
                new MarketObjectQuery(MarketObjectKind.Datanet, Party: c.GetArgument<Address?>("owner"))));

        Field<ContributionType>("contribution").Argument<NonNullGraphType<HashGraphType>>("id")
            .Resolve(c => c.Load<Contribution>(c.GetArgument<Hash32>("id")));

        Connection<ContributionType, EdgeType<ContributionType>, NodesConnectionType<ContributionType, Contribution>>("contributions")
            .Description("Contributions to a datanet and/or by a contributor (give at least one), newest first.")
            .Argument<HashGraphType>("datanet", "Only contributions to this datanet.")
            .Argument<AddressGraphType>("contributor", "Only this account's contributions.")
            .Argument<ContributionStatusType>("status", "Only contributions in this status.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c =>
            {
                var datanet = c.GetArgument<Hash32?>("datanet");
                var contributor = c.GetArgument<Address?>("contributor");
                if (datanet is null && contributor is null)
                    throw new InvalidInputError(MarketErrors.MissingFilter, "contributions needs a datanet or a contributor (or both)");
                return await MarketPages.ObjectsAsync<Contribution>(c, new MarketObjectQuery(MarketObjectKind.Contribution,
                    Parent: datanet, Party: contributor, Status: (int?)c.GetArgument<ContributionStatus?>("status")));
            });

        Field<DatanetVersionType>("datanetVersion").Description("A datanet version by id: keccak256(datanet || number as uint64).")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .Resolve(c => c.Load<DatanetVersion>(c.GetArgument<Hash32>("id")));

        Field<ModelType>("model").Argument<NonNullGraphType<HashGraphType>>("id")
            .Resolve(c => c.Load<Model>(c.GetArgument<Hash32>("id")));

        Connection<ModelType, EdgeType<ModelType>, NodesConnectionType<ModelType, Model>>("models")
            .Description("Models, newest first; optionally of one owner or status.")
            .Argument<AddressGraphType>("owner", "Only this account's models.")
            .Argument<ModelStatusType>("status", "Only models in this status.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<Model>(c, new MarketObjectQuery(MarketObjectKind.Model,
                Party: c.GetArgument<Address?>("owner"), Status: (int?)c.GetArgument<ModelStatus?>("status"))));

        Field<InferenceType>("inference").Argument<NonNullGraphType<HashGraphType>>("id")
            .Resolve(c => c.Load<InferenceRequest>(c.GetArgument<Hash32>("id")));

        Connection<InferenceType, EdgeType<InferenceType>, NodesConnectionType<InferenceType, InferenceRequest>>("inferences")
            .Description("Paid inferences, newest first; optionally of one model, caller or status.")
            .Argument<HashGraphType>("model", "Only inferences of this model.")
            .Argument<AddressGraphType>("caller", "Only this account's requests.")
            .Argument<InferenceStatusType>("status", "Only inferences in this status.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<InferenceRequest>(c, new MarketObjectQuery(MarketObjectKind.Inference,
                Parent: c.GetArgument<Hash32?>("model"), Party: c.GetArgument<Address?>("caller"), Status: (int?)c.GetArgument<InferenceStatus?>("status"))));

        this.AddStatement();

        Field<NonNullGraphType<RewardSummaryType>>("rewards")
            .Description("An account's reward totals (the same as account(address) { rewards }).")
            .Argument<NonNullGraphType<AddressGraphType>>("address")
            .ResolveAsync(async c => await c.Grains().GetGrain<IRewardAccountGrain>(GrainKeys.Of(c.GetArgument<Address>("address"))).GetSummaryAsync());

        Connection<MarketEventType, EdgeType<MarketEventType>, NodesConnectionType<MarketEventType, MarketEventMessage>>("marketEvents")
            .Description("Committed marketplace events, newest first; the filters given must all match.")
            .Argument<AddressGraphType>("party", "Only events concerning this account.")
            .Argument<HashGraphType>("datanet", "Only events of this datanet (its reward credits are found by party or on the inference).")
            .Argument<HashGraphType>("model", "Only events of this model, its settlements' reward credits included (each settlement credits the protocol, the owner and every attributed contributor).")
            .Argument<ListGraphType<NonNullGraphType<MarketEventKindType>>>("kinds", "Only events of these kinds.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.EventsAsync(c, new MarketEventQuery(
                Party: c.GetArgument<Address?>("party"), Datanet: c.GetArgument<Hash32?>("datanet"), Model: c.GetArgument<Hash32?>("model"),
                Kinds: c.GetArgument<List<MarketEventKind>?>("kinds")?.ToArray())));

        Field<ContentType>("content").Description("Content in this node's store by its hash; null if it has none.")
            .Argument<NonNullGraphType<HashGraphType>>("hash")
            .ResolveAsync(async c => await ContentType.LoadAsync(c, c.GetArgument<Hash32>("hash")));
    }
}
