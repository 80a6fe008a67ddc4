namespace OpenLedger.Grains.Ledger;

/// <summary>The last committed blocks the chain grain keeps in memory for its long-poll, bounded twice: by block count
/// and by the entries they carry (included and excluded hashes, changed accounts). A count alone was not a bound: at
/// 20,000 transfers a block, 256 blocks hold ~5 million hashes and ~10 million account snapshots. A waiter behind what
/// memory holds reads the gap from the store instead (<see cref="After"/> says when).</summary>
internal sealed class RecentBlocks(int maxBlocks, long maxEntries)
{
    /// <summary>Kept whatever their size, so a waiter one or two blocks behind the head never goes to the store.</summary>
    public const int MinBlocks = 2;

    private readonly Queue<BlockCommitted> _blocks = new();
    private long _entries;

    public int Count => _blocks.Count;

    /// <summary>The entries the held blocks carry (what <c>maxEntries</c> bounds).</summary>
    public long Entries => _entries;

    /// <summary>The oldest height held, or null when empty.</summary>
    public long? OldestHeight => _blocks.Count == 0 ? null : _blocks.Peek().Height;

    public void Add(BlockCommitted block)
    {
        _blocks.Enqueue(block);
        _entries += EntriesOf(block);
        while (_blocks.Count > MinBlocks && (_blocks.Count > maxBlocks || _entries > maxEntries))
            _entries -= EntriesOf(_blocks.Dequeue());
    }

    /// <summary>The held blocks above <paramref name="afterHeight"/>, oldest first, or null when the next one the caller
    /// needs (afterHeight + 1) is older than what memory holds.</summary>
    public IReadOnlyList<BlockCommitted>? After(long afterHeight)
    {
        if (_blocks.Count == 0 || afterHeight + 1 < _blocks.Peek().Height) return null;
        var list = new List<BlockCommitted>();
        foreach (var b in _blocks) if (b.Height > afterHeight) list.Add(b);
        return list;
    }

    /// <summary>The height of a held block with this hash, or null.</summary>
    public long? HeightOf(Core.Crypto.Hash32 blockHash)
    {
        foreach (var b in _blocks) if (b.BlockHash == blockHash) return b.Height;
        return null;
    }

    private static long EntriesOf(BlockCommitted b) => 1L + b.Included.Count + b.Excluded.Count + b.ChangedAccounts.Count;
}
