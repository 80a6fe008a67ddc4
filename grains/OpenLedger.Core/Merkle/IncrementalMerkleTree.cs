using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Merkle;

/// <summary>The same tree as <see cref="MerkleTree"/>, kept in memory so that changing k of n items costs
/// O(k log n) hashes instead of O(n): used for the state root, which commits to every account after every block.</summary>
public sealed class IncrementalMerkleTree
{
    // levels[0] are leaf nodes (keccak(0x00||item)); levels[h+1][p] = Node(levels[h][2p], levels[h][2p+1]) or promotion.
    private readonly List<List<Hash32>> _levels = [[]];
    private readonly HashSet<int> _dirty = [];

    public int Count => _levels[0].Count;

    /// <summary>Appends an item and returns its index.</summary>
    public int Add(Hash32 item)
    {
        _levels[0].Add(MerkleTree.Leaf(item));
        _dirty.Add(_levels[0].Count - 1);
        return _levels[0].Count - 1;
    }

    public void Set(int index, Hash32 item)
    {
        _levels[0][index] = MerkleTree.Leaf(item);
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
        var dirty = _dirty.ToList();
        _dirty.Clear();
        int h = 0;
        while (_levels[h].Count > 1)
        {
            var below = _levels[h];
            if (_levels.Count == h + 1) _levels.Add([]);
            var above = _levels[h + 1];
            int parents = (below.Count + 1) / 2;
            // Grow the level above; a newly appended parent is dirty by construction (its child is).
            while (above.Count < parents) above.Add(Hash32.Zero);
            var next = new HashSet<int>();
            foreach (var i in dirty) next.Add(i / 2);
            // A level that grew can change which node is promoted: the last parent is always recomputed.
            next.Add(parents - 1);
            foreach (var p in next)
                above[p] = 2 * p + 1 < below.Count ? MerkleTree.Node(below[2 * p], below[2 * p + 1]) : below[2 * p];
            dirty = next.ToList();
            h++;
        }
        // Drop stale upper levels if any (the tree never shrinks, but keep the invariant explicit).
        if (_levels.Count > h + 1) _levels.RemoveRange(h + 1, _levels.Count - h - 1);
    }
}
