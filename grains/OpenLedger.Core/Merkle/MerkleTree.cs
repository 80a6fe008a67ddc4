using System.Buffers;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Merkle;

/// <summary>A binary Merkle tree over 32-byte items with domain separation:
/// leaf = keccak256(0x00 || item), node = keccak256(0x01 || left || right); an odd node at the end of a level
/// is promoted unchanged (never duplicated, so two different lists cannot share a root). The empty tree's root is zero.</summary>
public static class MerkleTree
{
    public static Hash32 Leaf(Hash32 item)
    {
        Span<byte> b = stackalloc byte[33];
        b[0] = 0x00;
        item.CopyTo(b[1..]);
        return Keccak256.Hash(b);
    }

    public static Hash32 Node(Hash32 left, Hash32 right)
    {
        Span<byte> b = stackalloc byte[65];
        b[0] = 0x01;
        left.CopyTo(b[1..]);
        right.CopyTo(b[33..]);
        return Keccak256.Hash(b);
    }

    public static Hash32 Root(IReadOnlyList<Hash32> items)
    {
        if (items.Count == 0) return Hash32.Zero;
        var level = ArrayPool<Hash32>.Shared.Rent(items.Count);
        try
        {
            for (int i = 0; i < items.Count; i++) level[i] = items[i];
            return RootInPlace(level.AsSpan(0, items.Count));
        }
        finally { ArrayPool<Hash32>.Shared.Return(level); }
    }

    /// <summary>The root of the items in <paramref name="level"/>, using that span as the working level (it is overwritten). A block's
    /// levels are pooled by the callers: a level of 20,000 hashes is 640 KB, a large-object array, and a fresh one per
    /// block and per root is what made the node's gen2 collections.</summary>
    public static Hash32 RootInPlace(Span<Hash32> level)
    {
        if (level.IsEmpty) return Hash32.Zero;
        for (int i = 0; i < level.Length; i++) level[i] = Leaf(level[i]);
        var n = level.Length;
        while (n > 1)
        {
            int parents = (n + 1) / 2;
            for (int p = 0; p < parents; p++)
                level[p] = 2 * p + 1 < n ? Node(level[2 * p], level[2 * p + 1]) : level[2 * p];
            n = parents;
        }
        return level[0];
    }

    /// <summary>The inclusion proof of item <paramref name="index"/>: the siblings from the leaf up.</summary>
    public static MerkleProof Prove(IReadOnlyList<Hash32> items, int index)
    {
        if (index < 0 || index >= items.Count) throw new ArgumentOutOfRangeException(nameof(index));
        var level = items.Select(Leaf).ToList();
        var steps = new List<MerkleStep>();
        var i = index;
        while (level.Count > 1)
        {
            var sibling = i ^ 1;
            if (sibling < level.Count) steps.Add(new MerkleStep(level[sibling], SiblingOnLeft: sibling < i));
            var next = new List<Hash32>((level.Count + 1) / 2);
            for (int p = 0; 2 * p < level.Count; p++)
                next.Add(2 * p + 1 < level.Count ? Node(level[2 * p], level[2 * p + 1]) : level[2 * p]);
            level = next;
            i /= 2;
        }
        return new MerkleProof(items[index], index, items.Count, steps);
    }
}

/// <summary>One step of an inclusion proof: the sibling hash and which side it is on.</summary>
public readonly record struct MerkleStep(Hash32 Sibling, bool SiblingOnLeft);

/// <summary>A proof that <see cref="Item"/> is at <see cref="Index"/> among <see cref="Count"/> items under a root.</summary>
public sealed record MerkleProof(Hash32 Item, int Index, int Count, IReadOnlyList<MerkleStep> Steps)
{
    public Hash32 ComputeRoot()
    {
        var node = MerkleTree.Leaf(Item);
        foreach (var s in Steps) node = s.SiblingOnLeft ? MerkleTree.Node(s.Sibling, node) : MerkleTree.Node(node, s.Sibling);
        return node;
    }

    public bool Verify(Hash32 root) => ComputeRoot() == root;
}
