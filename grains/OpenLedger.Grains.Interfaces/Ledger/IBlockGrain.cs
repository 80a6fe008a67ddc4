namespace OpenLedger.Grains.Ledger;

/// <summary>One committed block (key: height). Immutable once committed, so it is loaded once and cached.</summary>
public interface IBlockGrain : IGrainWithIntegerKey
{
    Task<BlockView?> GetAsync();

    /// <summary>The block's transactions with their receipts, in block order (empty if the block is not committed).</summary>
    Task<IReadOnlyList<TransactionView>> GetTransactionsAsync();

    /// <summary>Up to <paramref name="count"/> of them from position <paramref name="offset"/> on (a page; empty if not committed).</summary>
    Task<IReadOnlyList<TransactionView>> GetTransactionsAsync(int offset, int count);
}
