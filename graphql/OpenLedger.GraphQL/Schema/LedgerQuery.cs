using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Schema;

/// <summary>Reads, named the way explorers think (after EIP-1767): chain, block, blocks, transaction, account, mempool.</summary>
public sealed class LedgerQuery : ObjectGraphType
{
    public const int MaxPageSize = 100;

    public LedgerQuery()
    {
        Name = "Query";
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
                var head = (await c.Grains().GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
                var start = Cursors.Decode(c.After) is { } after ? after.Height - 1 : head;
                // Heights are contiguous, so whether a next page exists is known without reading one more block.
                var heights = Enumerable.Range(0, first).Select(i => start - i).Where(h => h >= 0).ToList();
                var views = await Task.WhenAll(heights.Select(h => c.LoadBlock(h).GetResultAsync()));
                var rows = views.Where(v => v is not null).Select(v => v!).ToList();
                var page = Cursors.Page(rows, first, b => new Cursors.Position(b.Height, 0), totalCount: (int)Math.Min(head + 1, int.MaxValue), hasPrevious: start < head);
                page.PageInfo!.HasNextPage = rows.Count > 0 && rows[^1].Height > 0;
                return page;
            });

        Field<TransactionType>("transaction")
            .Argument<NonNullGraphType<HashGraphType>>("hash")
            .ResolveAsync(async c =>
            {
                var view = await c.Grains().GetGrain<ITransactionGrain>(c.GetArgument<Hash32>("hash").ToString()).GetAsync();
                return view.Status == TxStatus.Unknown ? null : view;
            });

        Field<NonNullGraphType<AccountType>>("account")
            .Argument<NonNullGraphType<AddressGraphType>>("address")
            .ResolveAsync(async c => await c.Grains().GetGrain<IAccountGrain>(c.GetArgument<Address>("address").ToString().ToLowerInvariant()).GetAsync());

        Field<NonNullGraphType<MempoolStatsType>>("mempool").ResolveAsync(async c => await c.Grains().GetGrain<IMempoolGrain>(0).GetStatsAsync());
    }
}
