using GraphQL.Builders;
using GraphQL.Types.Relay.DataObjects;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>Pages of one block's transactions, in block order, read a page at a time from the store. Cursors are the
/// ledger's "height:index"; after a cursor means later in the block.</summary>
internal static class BlockTransactions
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static async Task<Connection<TransactionView>> PageAsync(IResolveConnectionContext<BlockView> c)
    {
        var block = c.Source;
        var first = Math.Clamp(c.First ?? DefaultPageSize, 0, MaxPageSize);
        var start = 0;
        if (Cursors.Decode(c.After) is { } after)
        {
            if (after.Height != block.Height)
                throw new InvalidInputError("BAD_CURSOR", $"'{c.After}' is a cursor of block {after.Height}, not of block {block.Height}");
            start = after.Index + 1;
        }
        IReadOnlyList<TransactionView> rows = first == 0 ? [] : await c.Grains().GetGrain<IBlockGrain>(block.Height).GetTransactionsAsync(start, first);
        var page = Cursors.Page(rows, first, t => new Cursors.Position(block.Height, t.Index ?? 0),
            totalCount: block.TransactionHashes.Count, hasPrevious: start > 0);
        // Positions are contiguous, so whether more follow is known from the count.
        page.PageInfo!.HasNextPage = start + rows.Count < block.TransactionHashes.Count;
        return page;
    }
}
