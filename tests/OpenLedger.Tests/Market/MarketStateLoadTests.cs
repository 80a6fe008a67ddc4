using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>Rebuilding the marketplace from its stored objects (as a node does on start) gives the same state: root,
/// held wei and every derived index (duplicates, approved content in approval order, expiries).</summary>
public class MarketStateLoadTests
{
    /// <summary>Reloads accounts and marketplace objects (through their canonical bytes) into a fresh state, checks
    /// that it matches, and returns it.</summary>
    public static LedgerState AssertReloadsIdentically(LedgerState state)
    {
        var fresh = new LedgerState();
        foreach (var (i, a, s) in state.Accounts()) fresh.Load(i, a, s);
        foreach (var o in state.Market.Objects())
        {
            var bytes = o.Encode();
            var decoded = MarketObjects.Decode(o.ObjectKind, bytes);
            Assert.Equal(bytes, decoded.Encode());
            Assert.Equal(o.Commitment(), decoded.Commitment());
            fresh.Market.Load(state.Market.IndexOf(o.Id), decoded);
        }

        Assert.Equal(state.Market.Root(), fresh.Market.Root());
        Assert.Equal(state.StateRoot(), fresh.StateRoot());
        Assert.Equal(state.Market.Held, fresh.Market.Held);
        Assert.Equal(state.TotalSupply(), fresh.TotalSupply());
        Assert.Equal(state.Market.ObjectCount, fresh.Market.ObjectCount);
        Assert.Equal(state.Market.Objects().Select(o => o.Id), fresh.Market.Objects().Select(o => o.Id));
        Assert.All(state.Market.Objects(), o => Assert.Equal(state.Market.IndexOf(o.Id), fresh.Market.IndexOf(o.Id)));

        var datanets = state.Market.Objects().OfType<Datanet>().Select(d => d.Id).ToList();
        var contributions = state.Market.Objects().OfType<Contribution>().ToList();
        foreach (var d in datanets)
        {
            Assert.Equal(state.Market.ApprovedContent(d), fresh.Market.ApprovedContent(d));
            Assert.Equal(state.Market.PublishableContent(d), fresh.Market.PublishableContent(d));
            for (var v = 0u; v <= state.Market.Datanet(d)!.Versions; v++)
                Assert.Equal(state.Market.ExcludedSince(d, v), fresh.Market.ExcludedSince(d, v));
            Assert.DoesNotContain(Hash32.Zero, fresh.Market.ApprovedContent(d));
            Assert.Equal(state.Market.Datanet(d)!.Approved, fresh.Market.ApprovedContent(d).Count);
            foreach (var c in contributions)
                Assert.Equal(state.Market.IsDuplicate(d, c.NormalizedContent), fresh.Market.IsDuplicate(d, c.NormalizedContent));
            Assert.False(fresh.Market.IsDuplicate(d, Keccak256.Hash("never contributed")));
        }
        foreach (var c in contributions) Assert.True(fresh.Market.IsDuplicate(c.Datanet, c.NormalizedContent));

        var open = state.Market.Objects().OfType<InferenceRequest>().Where(i => i.IsOpen).ToList();
        var pending = contributions.Where(c => c.Status == ContributionStatus.Pending).ToList();
        foreach (var h in open.Select(i => i.DeadlineHeight).Concat(pending.Select(c => c.DeadlineHeight)).Append(0).SelectMany(h => new[] { h, h + 1 }))
            Assert.Equal(state.Market.HasExpiryDue(h), fresh.Market.HasExpiryDue(h));
        return fresh;
    }

    [Fact]
    public void Reloading_every_object_in_index_order_rebuilds_the_same_state_with_approvals_out_of_creation_order()
    {
        var w = new World();
        // In the world, c2 was approved before c0, and c4 while c3 was still pending.
        Assert.Equal([w.Items[2].Content, w.Items[0].Content, w.Items[4].Content], w.D.Market.ApprovedContent(w.A));
        Assert.True(w.D.Market.IndexOf(w.C[0]) < w.D.Market.IndexOf(w.C[2]));
        Assert.NotEqual(Wei.Zero, w.D.Market.Held); // c3's stake and two escrows
        var fresh = AssertReloadsIdentically(w.D.State);
        Assert.Equal(new Wei(World.Stake.Value + 2 * World.Price.Value), fresh.Market.Held);
        Assert.Equal(w.D.Market.Contribution(w.C[1]), fresh.Market.Contribution(w.C[1]));
        Assert.Equal(w.D.Market.Inference(w.I1), fresh.Market.Inference(w.I1));
    }

    [Fact]
    public void Loading_out_of_index_order_is_refused()
    {
        var w = new World();
        var objects = w.D.Market.Objects().ToList();
        var fresh = new MarketState();
        Assert.Throws<InvalidOperationException>(() => fresh.Load(1, objects[1]));
        fresh.Load(0, objects[0]);
        Assert.Throws<InvalidOperationException>(() => fresh.Load(0, objects[0]));
    }

    [Fact]
    public void A_reloaded_state_executes_the_next_blocks_exactly_like_the_original()
    {
        // Timeout 2: the world's inferences (block 6, deadline 8) expire at block 9.
        var w = new World(new MarketDriver(accounts: 9, market: m => { m.InferenceTimeoutBlocks = 2; m.TimeoutResolution = "owner"; }));
        var d = w.D;
        var fresh = AssertReloadsIdentically(d.State);
        var head = d.Head;

        // The next blocks use every derived index: duplicates, approved content (publish), expiries.
        var next = new List<SignedTransaction[]>
        {
            new[]
            {
                d.Sign(w.Stranger, MarketDriver.Contribution(w.A, w.Items[1])), // a duplicate (of the rejected c1)
                d.Sign(w.Curator, new Curate(w.C[3], true, "")),
                d.Sign(w.Owner, new PublishVersion(w.A)),
                d.Sign(d.Attribution, w.SettleI1()),
            },
        };
        var b8 = d.Block(next[0]);
        Assert.Equal([ErrorCode.DuplicateContribution, ErrorCode.None, ErrorCode.None, ErrorCode.None], b8.Receipts.Select(r => r.Error));
        // Block 9 is past I2's deadline (8): it expires before the operator's transaction.
        next.Add([d.Sign(d.Serving, new PostResult(w.I2, MarketDriver.H("o2")))]);
        var b9 = d.Block(next[1]);
        Assert.Equal(ErrorCode.InferenceExpired, b9.Receipts[0].Error);
        Assert.Equal((MarketEventKind.InferenceExpired, w.I2), (b9.Events[0].Kind, b9.Events[0].Subject));
        next.Add([d.Sign(w.Caller, new RequestInference(w.Model, MarketDriver.H("again"), World.Price)), d.Sign(w.Owner, new PublishVersion(w.A))]);
        var b10 = d.Block(next[2]);
        Assert.Equal([ErrorCode.None, ErrorCode.NothingToPublish], b10.Receipts.Select(r => r.Error));

        var parent = head;
        for (int k = 0; k < next.Count; k++)
        {
            var verified = next[k].Select(d.Verify).ToList();
            var replayed = BlockExecutor.Execute(fresh, d.Rules, parent, d.Executed[^(next.Count - k)].Header.TimestampMs, verified);
            var original = d.Executed[^(next.Count - k)];
            Assert.Equal(original.Header.Hash, replayed.Header.Hash);
            Assert.Equal(original.Events, replayed.Events);
            parent = replayed.Header;
        }
        Assert.Equal(d.State.StateRoot(), fresh.StateRoot());
        AssertReloadsIdentically(fresh);
    }
}
