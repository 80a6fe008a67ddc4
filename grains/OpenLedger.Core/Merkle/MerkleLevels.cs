using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Merkle;

/// <summary>
/// A <see cref="MerkleTree"/> built once with every level kept, so each inclusion proof is read off in O(log n)
/// instead of rebuilding the tree (n hashes) per proof. Same rules, same roots and proofs as <see cref="MerkleTree"/>.
/// </summary>
public sealed class MerkleLevels
{
    private readonly IReadOnlyList<Hash32> _items;
    private readonly Hash32[][] _levels;

    public MerkleLevels(IReadOnlyList<Hash32> items)
    {
        _items = items;
        var levels = new List<Hash32[]>();
        var level = new Hash32[items.Count];
        for (int i = 0; i < items.Count; i++) level[i] = MerkleTree.Leaf(items[i]);
        levels.Add(level);
        while (level.Length > 1)
        {
            var next = new Hash32[(level.Length + 1) / 2];
            for (int p = 0; p < next.Length; p++)
                next[p] = 2 * p + 1 < level.Length ? MerkleTree.Node(level[2 * p], level[2 * p + 1]) : level[2 * p];
            levels.Add(next);
            level = next;
        }
        _levels = [.. levels];
    }

    public int Count => _items.Count;

    /// <summary>The root; zero for no items.</summary>
    public Hash32 Root => _items.Count == 0 ? Hash32.Zero : _levels[^1][0];

    /// <summary>The inclusion proof of item <paramref name="index"/>: the siblings from the leaf up.</summary>
    public MerkleProof Prove(int index)
    {
        if (index < 0 || index >= _items.Count) throw new ArgumentOutOfRangeException(nameof(index));
        var steps = new List<MerkleStep>(_levels.Length);
        var i = index;
        for (var l = 0; l < _levels.Length - 1; l++)
        {
            var sibling = i ^ 1;
            if (sibling < _levels[l].Length) steps.Add(new MerkleStep(_levels[l][sibling], SiblingOnLeft: sibling < i));
            i /= 2;
        }
        return new MerkleProof(_items[index], index, _items.Count, steps);
    }
}
