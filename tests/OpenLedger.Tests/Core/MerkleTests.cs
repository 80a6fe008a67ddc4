using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Merkle;

namespace OpenLedger.Tests.Core;

public class MerkleTests
{
    private static Hash32 H(int i) => Keccak256.Hash($"item {i}");

    [Fact]
    public void Roots_of_small_trees_match_hand_computation()
    {
        Assert.Equal(Hash32.Zero, MerkleTree.Root([]));
        Assert.Equal(MerkleTree.Leaf(H(0)), MerkleTree.Root([H(0)]));
        var l0 = MerkleTree.Leaf(H(0)); var l1 = MerkleTree.Leaf(H(1)); var l2 = MerkleTree.Leaf(H(2));
        Assert.Equal(MerkleTree.Node(l0, l1), MerkleTree.Root([H(0), H(1)]));
        // Three items: the third is promoted, not duplicated.
        Assert.Equal(MerkleTree.Node(MerkleTree.Node(l0, l1), l2), MerkleTree.Root([H(0), H(1), H(2)]));
        Assert.NotEqual(MerkleTree.Root([H(0), H(1), H(2)]), MerkleTree.Root([H(0), H(1), H(2), H(2)]));
    }

    /// <summary>The root as the tree defines it, level by level in fresh lists: what the pooled, in-place computation must equal.</summary>
    private static Hash32 ReferenceRoot(IReadOnlyList<Hash32> items)
    {
        if (items.Count == 0) return Hash32.Zero;
        var level = items.Select(MerkleTree.Leaf).ToList();
        while (level.Count > 1)
            level = Enumerable.Range(0, (level.Count + 1) / 2)
                .Select(p => 2 * p + 1 < level.Count ? MerkleTree.Node(level[2 * p], level[2 * p + 1]) : level[2 * p]).ToList();
        return level[0];
    }

    [Fact]
    public void A_root_computed_in_a_pooled_level_matches_the_reference_whatever_the_pool_held_before()
    {
        // Large trees first, then small ones: a pooled array handed back holds the previous tree's hashes past the end
        // of the new level, and none of them may leak into a root.
        foreach (var n in new[] { 20_000, 4_097, 70, 33, 17, 5, 3, 2, 1, 0 })
        {
            var items = Enumerable.Range(n * 7, n).Select(H).ToArray();
            var expected = ReferenceRoot(items);
            Assert.Equal(expected, MerkleTree.Root(items));
            var level = items.ToArray();
            Assert.Equal(expected, MerkleTree.RootInPlace(level));
        }
    }

    [Fact]
    public void Every_item_has_a_proof_that_verifies_and_a_tampered_one_fails()
    {
        for (int n = 1; n <= 33; n++)
        {
            var items = Enumerable.Range(0, n).Select(H).ToList();
            var root = MerkleTree.Root(items);
            for (int i = 0; i < n; i++)
            {
                var proof = MerkleTree.Prove(items, i);
                Assert.True(proof.Verify(root), $"n={n} i={i}");
                Assert.False((proof with { Item = H(1000) }).Verify(root));
                if (proof.Steps.Count > 0)
                {
                    var flipped = proof.Steps.Select((s, k) => k == 0 ? s with { SiblingOnLeft = !s.SiblingOnLeft } : s).ToList();
                    Assert.False((proof with { Steps = flipped }).Verify(root));
                }
            }
        }
    }

    [Fact]
    public void Levels_built_once_give_the_same_root_and_proofs_as_the_tree()
    {
        for (int n = 0; n <= 40; n++)
        {
            var items = Enumerable.Range(0, n).Select(H).ToList();
            var levels = new MerkleLevels(items);
            Assert.Equal(MerkleTree.Root(items), levels.Root);
            for (int i = 0; i < n; i++)
                Assert.Equal(MerkleTree.Prove(items, i).Steps, levels.Prove(i).Steps);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new MerkleLevels([H(0)]).Prove(1));
    }

    [Fact]
    public void Incremental_tree_equals_the_batch_root_under_random_appends_and_updates() =>
        Gen.Int[0, 2].Select(Gen.Int[0, 1000]).Array[1, 200].Sample(ops =>
        {
            var tree = new IncrementalMerkleTree();
            var items = new List<Hash32>();
            foreach (var (op, v) in ops)
            {
                if (op == 0 || items.Count == 0) { tree.Add(H(v)); items.Add(H(v)); }
                else { var i = v % items.Count; tree.Set(i, H(v + 5000)); items[i] = H(v + 5000); }
                if (v % 7 == 0 && tree.Root() != MerkleTree.Root(items)) return false;
            }
            return tree.Root() == MerkleTree.Root(items);
        });
}
