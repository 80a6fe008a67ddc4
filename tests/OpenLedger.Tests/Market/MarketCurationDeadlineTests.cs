using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>Nothing stays locked: a contribution not curated by its deadline (its block + the genesis'
/// curationTimeoutBlocks; the deadline block itself can still curate) expires when the next block executes, before its
/// transactions, and its stake returns to the contributor; and a datanet's curators cannot all be removed while stakes wait.</summary>
public class MarketCurationDeadlineTests
{
    private const long Timeout = 3;

    /// <summary>The world with a three-block curation timeout: c3 (K2, block 6) is pending, its deadline block 9.</summary>
    private static World ShortDeadlineWorld(long inferenceTimeout = 600) =>
        new(new MarketDriver(accounts: 9, market: m => { m.CurationTimeoutBlocks = Timeout; m.InferenceTimeoutBlocks = inferenceTimeout; }));

    [Fact]
    public void A_pending_contribution_s_stake_returns_to_its_contributor_at_the_curation_deadline()
    {
        var w = ShortDeadlineWorld();
        var d = w.D;
        var c3 = d.Market.Contribution(w.C[3])!;
        var deadline = c3.CreatedHeight + Timeout;
        Assert.Equal((ContributionStatus.Pending, deadline), (c3.Status, c3.DeadlineHeight));

        while (d.Height < deadline) d.Block();
        Assert.False(d.Market.HasExpiryDue(deadline));
        Assert.True(d.Market.HasExpiryDue(deadline + 1)); // the producer seals a block for it even with no transaction waiting

        var contributor = d.Balance(w.Contributors[0]);
        var owner = d.Balance(w.Owner);
        var treasury = d.Balance(d.Treasury);
        var curator = d.Balance(w.Curator);
        Assert.Equal(new Wei(World.Stake.Value + 2 * World.Price.Value), d.Market.Held);

        // The block after the deadline: the expiry runs first, so the curator's approval in it finds the contribution expired.
        var b = d.Block(d.Sign(w.Curator, new Curate(w.C[3], true, "too late")));
        Assert.Equal(deadline + 1, b.Header.Height);
        Assert.Equal(ErrorCode.ContributionExpired, Assert.Single(b.Receipts).Error);
        var e = Assert.Single(b.Events);
        Assert.Equal((MarketEventKind.ContributionExpired, -1, w.C[3], w.Contributors[0].Address, World.Stake, w.A, w.C[3], "refund"),
            (e.Kind, e.TxIndex, e.Subject, e.Party!.Value, e.Amount!.Value, e.Datanet!.Value, e.Contribution!.Value, e.Detail));

        // Exact to the wei: the stake back to the contributor, nothing to the owner or the treasury, the curator paid only gas.
        Assert.Equal(contributor + World.Stake, d.Balance(w.Contributors[0]));
        Assert.Equal(owner, d.Balance(w.Owner));
        Assert.Equal(treasury, d.Balance(d.Treasury));
        Assert.Equal(curator - d.FeeOf(TxKind.Curate), d.Balance(w.Curator));
        Assert.Equal(new Wei(2 * World.Price.Value), d.Market.Held);
        Assert.Equal(d.HeldByObjects(), d.Market.Held);
        Assert.Equal(d.Rules.TotalSupply.Value, d.State.TotalSupply());

        var expired = d.Market.Contribution(w.C[3])!;
        Assert.Equal((ContributionStatus.Expired, deadline + 1, -1), (expired.Status, expired.CuratedHeight, expired.ApprovalIndex));
        var a = d.Market.Datanet(w.A)!;
        Assert.Equal((5, 3, 1, 1, 0), (a.Contributions, a.Approved, a.Rejected, a.Expired, a.Pending));
        Assert.Contains(b.ChangedObjects, o => o.Object.Id == w.C[3]);
        Assert.False(d.Market.HasExpiryDue(deadline + 2)); // nothing else is due (the inferences' deadlines are far)

        // After expiry nothing more happens to it: curation is refused, its content stays taken, no second refund.
        d.Rejected(w.Owner, new Curate(w.C[3], false, "later still"), ErrorCode.ContributionExpired);
        d.Rejected(w.Stranger, MarketDriver.Contribution(w.A, w.Items[3]), ErrorCode.DuplicateContribution);
        d.Block();
        Assert.Empty(d.Last.Events);

        // Replaying the committed blocks from genesis reproduces every root; a reloaded state is the same.
        var replay = ChainReplayer.Replay(d.Rules, d.Blocks);
        Assert.True(replay.Ok, replay.FirstMismatch);
        Assert.Equal(d.State.StateRoot(), replay.State.StateRoot());
        MarketStateLoadTests.AssertReloadsIdentically(d.State);
    }

    [Fact]
    public void The_deadline_block_can_still_curate_and_then_nothing_expires()
    {
        var w = ShortDeadlineWorld();
        var d = w.D;
        var deadline = d.Market.Contribution(w.C[3])!.DeadlineHeight;
        while (d.Height < deadline - 1) d.Block();
        var contributor = d.Balance(w.Contributors[0]);
        var b = d.Block(d.Sign(w.Curator, new Curate(w.C[3], true, "just in time")));
        Assert.Equal(deadline, b.Header.Height);
        MarketDriver.AllOk(b);
        Assert.Equal(contributor + World.Stake, d.Balance(w.Contributors[0]));
        Assert.False(d.Market.HasExpiryDue(deadline + 1));
        d.Block();
        Assert.Empty(d.Last.Events);
        Assert.Equal(ContributionStatus.Approved, d.Market.Contribution(w.C[3])!.Status);
    }

    [Fact]
    public void Deadlines_fall_due_in_order_inferences_first_then_contributions_each_once()
    {
        // With both timeouts at 3, the world's I1, I2 and c3 (all block 6) expire together in block 10.
        var w = ShortDeadlineWorld(inferenceTimeout: Timeout);
        var d = w.D;
        var later = new List<(Hash32 Id, long Expires)>();
        for (int k = 0; k < 3; k++)
        {
            var b = d.Block(d.Sign(w.Stranger, MarketDriver.Contribution(w.B, Item.Of($"later {k}"))),
                d.Sign(w.Caller, MarketDriver.Contribution(w.A, Item.Of($"later in A {k}"))));
            MarketDriver.AllOk(b);
            later.AddRange(b.Receipts.Select(r => (r.TxHash, b.Header.Height + Timeout + 1)));
        }
        for (int k = 0; k < 5; k++) d.Block();

        var block10 = d.Executed.Single(b => b.Header.Height == 10);
        Assert.Equal([(MarketEventKind.InferenceExpired, w.I1), (MarketEventKind.InferenceExpired, w.I2), (MarketEventKind.ContributionExpired, w.C[3])],
            block10.Events.Where(e => e.TxIndex == -1).Select(e => (e.Kind, e.Subject)));
        var expiries = d.Executed.SelectMany(b => b.Events.Where(e => e.Kind == MarketEventKind.ContributionExpired && e.Subject != w.C[3])
            .Select(e => (e.Subject, b.Header.Height))).ToList();
        Assert.Equal(later, expiries);
        Assert.Equal(Wei.Zero, d.Market.Held);
        Assert.Equal(3, d.Market.Datanet(w.B)!.Expired);
        Assert.True(ChainReplayer.Replay(d.Rules, d.Blocks).Ok);
    }

    [Fact]
    public void Curators_cannot_be_emptied_while_contributions_are_pending()
    {
        var w = new World();
        var d = w.D;
        Assert.Equal(1, d.Market.Datanet(w.A)!.Pending); // c3
        d.Rejected(w.Owner, new UpdateDatanet(w.A, "no curators now", [], []), ErrorCode.CuratorsRequired);
        // Replacing them is allowed, and the owner may stand as the only one.
        d.Ok(w.Owner, new UpdateDatanet(w.A, "new curator", [], [w.Stranger.Address]));
        d.Ok(w.Owner, new UpdateDatanet(w.A, "the owner curates", [], [w.Owner.Address]));
        // Once nothing waits, the list may be emptied.
        d.Ok(w.Owner, new Curate(w.C[3], false, "no"));
        d.Ok(w.Owner, new UpdateDatanet(w.A, "closed", [], []));
        Assert.Empty(d.Market.Datanet(w.A)!.Curators);

        // A datanet created without curators keeps none while contributions wait (its owner curates).
        d.Ok(w.Stranger, MarketDriver.Contribution(w.B, Item.Of("pending in B")));
        Assert.Equal(1, d.Market.Datanet(w.B)!.Pending);
        d.Ok(w.OtherOwner, new UpdateDatanet(w.B, "still no curators", [], []));
    }
}
