using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>Inferences not settled by their deadline (request height + the genesis timeout; the deadline block itself can
/// still serve and settle) expire when the next block executes, before its transactions: never served -> refunded;
/// served -> refunded or paid to the owner.</summary>
public class MarketTimeoutTests
{
    private const long Timeout = 3;

    private static World ShortTimeoutWorld(string resolution) =>
        new(new MarketDriver(accounts: 9, market: m => { m.InferenceTimeoutBlocks = Timeout; m.TimeoutResolution = resolution; }));

    [Theory]
    [InlineData("refund")]
    [InlineData("owner")]
    public void Unsettled_inferences_expire_at_their_deadline(string resolution)
    {
        // The world requests I1 and I2 in block 6 and serves I1 in block 7; the deadline is block 9, expiry in block 10.
        var w = ShortTimeoutWorld(resolution);
        var d = w.D;
        var requested = d.Market.Inference(w.I1)!.CreatedHeight;
        var deadline = requested + Timeout;
        Assert.Equal(deadline, d.Market.Inference(w.I1)!.DeadlineHeight);
        // The world also holds c3's stake (pending): only the escrows are resolved by expiry.
        Assert.Equal(new Wei(World.Price.Value * 2 + World.Stake.Value), d.Market.Held);

        while (d.Height < deadline) d.Block();
        Assert.All(new[] { w.I1, w.I2 }, i => Assert.True(d.Market.Inference(i)!.IsOpen));
        Assert.False(d.Market.HasExpiryDue(deadline));
        Assert.True(d.Market.HasExpiryDue(deadline + 1));

        var caller = d.Balance(w.Caller);
        var owner = d.Balance(w.Publisher);
        var treasury = d.Balance(d.Treasury);
        // The block after the deadline: the expiries run first, so the operators' transactions in it find the inferences expired.
        var b = d.Block(
            d.Sign(d.Attribution, w.SettleI1()),
            d.Sign(d.Serving, new PostResult(w.I2, MarketDriver.H("too late"))));
        Assert.Equal(deadline + 1, b.Header.Height);
        Assert.Equal([ErrorCode.InferenceExpired, ErrorCode.InferenceExpired], b.Receipts.Select(r => r.Error));

        var toOwner = resolution == "owner";
        Assert.Equal(
            [(MarketEventKind.InferenceExpired, -1, w.I1, toOwner ? w.Publisher.Address : w.Caller.Address, toOwner ? "owner" : "refund"),
             (MarketEventKind.InferenceExpired, -1, w.I2, w.Caller.Address, "refund")],
            b.Events.Select(e => (e.Kind, e.TxIndex, e.Subject, e.Party!.Value, e.Detail!)));
        Assert.All(b.Events, e => Assert.Equal(World.Price, e.Amount));
        Assert.Equal(toOwner ? caller + World.Price : caller + World.Price + World.Price, d.Balance(w.Caller));
        Assert.Equal(toOwner ? owner + World.Price : owner, d.Balance(w.Publisher));
        Assert.Equal(treasury, d.Balance(d.Treasury));
        Assert.Equal(World.Stake, d.Market.Held);
        Assert.Equal(World.Stake, d.HeldByObjects());
        foreach (var i in new[] { w.I1, w.I2 })
            Assert.Equal((InferenceStatus.Expired, deadline + 1), (d.Market.Inference(i)!.Status, d.Market.Inference(i)!.ResolvedHeight));
        Assert.False(d.Market.HasExpiryDue(d.Market.Contribution(w.C[3])!.DeadlineHeight)); // only c3's stake waits, curation deadline far off
        Assert.Contains(b.ChangedObjects, o => o.Object.Id == w.I1);

        // After expiry: nothing more can happen to them.
        d.Rejected(d.Attribution, w.SettleI1(), ErrorCode.InferenceExpired);
        d.Rejected(d.Serving, new PostResult(w.I2, MarketDriver.H("later still")), ErrorCode.InferenceExpired);
        d.Rejected(d.Serving, new PostResult(w.I1, MarketDriver.H("again")), ErrorCode.InferenceExpired);
        d.Block();
        Assert.Empty(d.Last.Events); // expired once, paid once
    }

    [Fact]
    public void Settled_inferences_are_untouched_after_their_deadline_and_the_deadline_block_still_settles()
    {
        var w = ShortTimeoutWorld("owner");
        var d = w.D;
        var deadline = d.Market.Inference(w.I1)!.DeadlineHeight;
        while (d.Height < deadline - 1) d.Block();
        // The deadline block: the last one in which the operators can act.
        var b = d.Block(d.Sign(d.Attribution, w.SettleI1()), d.Sign(d.Serving, new PostResult(w.I2, MarketDriver.H("o2"))));
        Assert.Equal(deadline, b.Header.Height);
        MarketDriver.AllOk(b);
        var caller = d.Balance(w.Caller);
        var owner = d.Balance(w.Publisher);
        var expiry = d.Block();
        // Only I2 (served, not settled) resolves: to the owner.
        var e = Assert.Single(expiry.Events);
        Assert.Equal((MarketEventKind.InferenceExpired, w.I2, w.Publisher.Address, "owner"), (e.Kind, e.Subject, e.Party!.Value, e.Detail));
        Assert.Equal(owner + World.Price, d.Balance(w.Publisher));
        Assert.Equal(caller, d.Balance(w.Caller));
        Assert.Equal(InferenceStatus.Settled, d.Market.Inference(w.I1)!.Status);
        Assert.Equal(World.Stake, d.Market.Held);
    }

    [Fact]
    public void Expiries_resolve_in_deadline_order_across_many_blocks()
    {
        var w = ShortTimeoutWorld("refund");
        var d = w.D;
        var requests = new List<(Hash32 Id, long Deadline)>();
        for (int k = 0; k < 4; k++)
        {
            var b = d.Block(d.Sign(w.Caller, new RequestInference(w.Model, MarketDriver.H($"in {k}"), World.Price)),
                d.Sign(w.Stranger, new RequestInference(w.Model, MarketDriver.H($"in' {k}"), World.Price)));
            MarketDriver.AllOk(b);
            requests.AddRange(b.Receipts.Select(r => (r.TxHash, b.Header.Height + Timeout + 1))); // expires the block after its deadline
        }
        for (int k = 0; k < 6; k++) d.Block();
        var expired = d.Executed.SelectMany(b => b.Events
            .Where(e => e.Kind == MarketEventKind.InferenceExpired && e.Subject != w.I1 && e.Subject != w.I2)
            .Select(e => (e.Subject, b.Header.Height))).ToList();
        Assert.Equal(requests, expired);
        Assert.Equal(World.Stake, d.Market.Held);
    }

    [Fact]
    public void With_a_one_block_timeout_the_request_block_and_the_next_can_serve_and_settle()
    {
        // With a one-block timeout an inference can be served and settled in the block that requests it or the next one.
        var d = new MarketDriver(accounts: 3, market: m => m.InferenceTimeoutBlocks = 1);
        var (owner, caller) = (d.Keys[0], d.Keys[1]);
        var datanet = d.Ok(owner, MarketDriver.NewDatanet("t", Wei.Zero, Wei.Zero, ForfeitRule.Owner));
        var c = d.Ok(owner, MarketDriver.Contribution(datanet, Item.Of("x")));
        d.Ok(owner, new Curate(c, true, ""));
        d.Ok(owner, new PublishVersion(datanet));
        var model = d.Ok(owner, MarketDriver.NewModel("m", new Wei(10), 6_500, 2_500, 1_000, DatanetVersion.IdOf(datanet, 1)));

        var request = d.Sign(caller, new RequestInference(model, MarketDriver.H("i"), new Wei(10)));
        var sameBlock = d.Block(request, d.Sign(d.Serving, new PostResult(request.Hash, MarketDriver.H("o"))),
            d.Sign(d.Attribution, new SettleAttribution(request.Hash, MarketDriver.H("r"), [c], [1])));
        MarketDriver.AllOk(sameBlock);

        // Requested in one block, it can still be served in the next; it has expired when the one after starts.
        var nextBlock = d.Ok(caller, new RequestInference(model, MarketDriver.H("k"), new Wei(10)));
        var served = d.Block(d.Sign(d.Serving, new PostResult(nextBlock, MarketDriver.H("o"))),
            d.Sign(d.Attribution, new SettleAttribution(nextBlock, MarketDriver.H("r"), [c], [1])));
        MarketDriver.AllOk(served);
        var late = d.Ok(caller, new RequestInference(model, MarketDriver.H("j"), new Wei(10)));
        d.Block();
        var next = d.Block(d.Sign(d.Serving, new PostResult(late, MarketDriver.H("o"))));
        Assert.Equal(ErrorCode.InferenceExpired, Assert.Single(next.Receipts).Error);
        Assert.Equal((MarketEventKind.InferenceExpired, late, "refund"), (Assert.Single(next.Events).Kind, next.Events[0].Subject, next.Events[0].Detail));
        Assert.Equal(InferenceStatus.Expired, d.Market.Inference(late)!.Status);
    }
}
