using OpenLedger.Core.Crypto;
using OpenLedger.Core.Merkle;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>
/// The transaction trees of recently proven blocks, so <c>inclusionProof</c> reads a proof off a tree built once per
/// block instead of rebuilding the whole tree for every transaction (a page of 100 transactions of one block was 100
/// rebuilds). Least recently used trees are dropped once the cached leaves pass a budget, so memory stays bounded
/// whatever blocks are asked for. A tree is built outside the lock, once, by the first request that needs it.
/// </summary>
public sealed class BlockMerkleTrees(int maxLeaves = BlockMerkleTrees.DefaultMaxLeaves)
{
    /// <summary>About 17 MB of tree at most (two hashes a leaf): a dozen full default blocks, thousands of typical ones.</summary>
    public const int DefaultMaxLeaves = 262_144;

    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _leaves;

    private sealed record Entry(Hash32 Block, int Leaves, Lazy<MerkleLevels> Tree);

    /// <summary>Trees held now (for tests and diagnostics).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>The tree of the block with hash <paramref name="block"/> over <paramref name="transactionHashes"/>.</summary>
    public MerkleLevels Get(Hash32 block, IReadOnlyList<Hash32> transactionHashes)
    {
        Entry entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(block, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                entry = node.Value;
            }
            else
            {
                entry = new Entry(block, transactionHashes.Count, new Lazy<MerkleLevels>(() => new MerkleLevels(transactionHashes)));
                // A tree larger than the whole budget is built for this request and not kept.
                if (entry.Leaves > maxLeaves) return entry.Tree.Value;
                _entries[block] = _recency.AddFirst(entry);
                _leaves += entry.Leaves;
                while (_leaves > maxLeaves && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.Block);
                    _leaves -= oldest.Value.Leaves;
                }
            }
        }
        return entry.Tree.Value;
    }
}
