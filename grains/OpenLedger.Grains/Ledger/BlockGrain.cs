using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>One committed block, read once from the store and then served from memory (it never changes).</summary>
public sealed class BlockGrain(LedgerNode node) : Grain, IBlockGrain
{
    private BlockView? _view;

    public async Task<BlockView?> GetAsync()
    {
        if (_view is not null) return _view;
        // The hashes are stored beside the rows: reading them costs no decoding (a block may hold 20,000 transactions,
        // and decoding each one rehashed its EIP-712 body just to name it).
        var block = await node.Store.GetBlockSummaryAsync(this.GetPrimaryKeyLong());
        if (block is null) return null; // not committed yet: do not cache the absence
        var h = block.Header;
        _view = new BlockView(h.Height, h.Hash, h.ParentHash, h.TimestampMs, h.TxRoot, h.ReceiptsRoot, h.StateRoot,
            h.Producer, h.GasUsed, block.TransactionHashes, block.ProducerSignature.ToArray());
        return _view;
    }

    public async Task<IReadOnlyList<TransactionView>> GetTransactionsAsync()
    {
        if (await GetAsync() is null) return [];
        return (await node.Store.GetBlockTransactionsAsync(this.GetPrimaryKeyLong())).Select(TransactionViews.Committed).ToList();
    }

    public async Task<IReadOnlyList<TransactionView>> GetTransactionsAsync(int offset, int count)
    {
        if (offset < 0 || count <= 0 || await GetAsync() is null) return [];
        return (await node.Store.GetBlockTransactionsAsync(this.GetPrimaryKeyLong(), offset, count)).Select(TransactionViews.Committed).ToList();
    }
}
