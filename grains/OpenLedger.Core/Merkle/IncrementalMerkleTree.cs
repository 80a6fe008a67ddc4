using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Merkle;

/// <summary>The same tree as <see cref="MerkleTree"/>, kept in memory so that changing k of n items costs
/// O(k log n) hashes instead of O(n): used for the state root, which commits to every account after every block.
/// Work is deferred to <see cref="Root"/>: an item set several times between two roots (a block's producer, a sender
/// paying a fee and then a transfer) is hashed once, and each changed path is rehashed once.</summary>
public sealed class IncrementalMerkleTree
{
    // _items[i] is item i; levels[0][i] its leaf (keccak(0x00||item)), valid unless i is dirty;
    // levels[h+1][p] = Node(levels[h][2p], levels[h][2p+1]), or levels[h][2p] promoted when it has no sibling.
    private readonly List<Hash32> _items = [];
    private readonly List<List<Hash32>> _levels = [[]];
    private readonly List<int> _dirty = [];
    private bool[] _isDirty = new bool[64];

    public int Count => _items.Count;

    /// <summary>Appends an item and returns its index.</summary>
    public int Add(Hash32 item)
    {
        var index = _items.Count;
        _items.Add(item);
        _levels[0].Add(Hash32.Zero); // computed at the next root
        MarkDirty(index);
        return index;
    }

    public void Set(int index, Hash32 item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _items.Count);
        _items[index] = item;
        MarkDirty(index);
    }

    private void MarkDirty(int index)
    {
        if (index >= _isDirty.Length) Array.Resize(ref _isDirty, Math.Max(index + 1, _isDirty.Length * 2));
        if (_isDirty[index]) return;
        _isDirty[index] = true;
        _dirty.Add(index);
    }

    public Hash32 Root()
    {
        if (Count == 0) return Hash32.Zero;
        if (_dirty.Count > 0) Rehash();
        return _levels[^1][0];
    }

    private void Rehash()
    {
        var leaves = _levels[0];
        var dirty = _dirty.ToArray();
        _dirty.Clear();
        foreach (var i in dirty)
        {
            _isDirty[i] = false;
            leaves[i] = MerkleTree.Leaf(_items[i]);
        }
        Array.Sort(dirty);
        int count = dirty.Length, h = 0;
        while (_levels[h].Count > 1)
        {
            var below = _levels[h];
            if (_levels.Count == h + 1) _levels.Add([]);
            var above = _levels[h + 1];
            int parents = (below.Count + 1) / 2;
            // Grow the level above; a newly appended parent is dirty by construction (its child is).
            while (above.Count < parents) above.Add(Hash32.Zero);
            // Parents of the dirty nodes, in order and without repeats (dirty is sorted, so i / 2 is too).
            int n = 0;
            for (int k = 0; k < count; k++)
            {
                var p = dirty[k] / 2;
                if (n == 0 || dirty[n - 1] != p) dirty[n++] = p;
            }
            // A level that grew can change which node is promoted: the last parent is always recomputed.
            if (n == 0 || dirty[n - 1] != parents - 1)
            {
                if (n == dirty.Length) Array.Resize(ref dirty, n + 1);
                dirty[n++] = parents - 1;
            }
            for (int k = 0; k < n; k++)
            {
                var p = dirty[k];
                above[p] = 2 * p + 1 < below.Count ? MerkleTree.Node(below[2 * p], below[2 * p + 1]) : below[2 * p];
            }
            count = n;
            h++;
        }
        // Drop stale upper levels if any (the tree never shrinks, but keep the invariant explicit).
        if (_levels.Count > h + 1) _levels.RemoveRange(h + 1, _levels.Count - h - 1);
    }
}
