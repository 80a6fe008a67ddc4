using OpenLedger.Core.Crypto;
using OpenLedger.Core.Inference;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>The whole path of one piece of data through the pure core: datanet, contributions, curation, version,
/// model, paid inference, result, settlement; every balance, object and event checked.</summary>
public class MarketHappyPathTests
{
    [Theory]
    [InlineData(ForfeitRule.Owner)]
    [InlineData(ForfeitRule.Treasury)]
    public void Data_flows_from_contribution_to_settled_rewards(ForfeitRule forfeit)
    {
        var d = new MarketDriver(accounts: 8);
        var (owner, curator, publisher, caller) = (d.Keys[0], d.Keys[1], d.Keys[5], d.Keys[6]);
        PrivateKey[] contributors = [d.Keys[2], d.Keys[3], d.Keys[4]];
        var feePerKb = new Wei(3_000_000_000_000_000);
        var stake = new Wei(500_000_000_000_000_000);
        var start = d.Keys.ToDictionary(k => k.Address, k => d.Balance(k));
        Assert.Equal(Wei.Zero, d.Balance(d.Treasury));

        // Block 1: the datanet.
        var datanet = d.Ok(owner, MarketDriver.NewDatanet("medical QA", feePerKb, stake, forfeit, curator.Address));
        var dn = d.Market.Datanet(datanet)!;
        Assert.Equal((owner.Address, feePerKb, stake, forfeit, 1L), (dn.Owner, dn.FeePerKb, dn.Stake, dn.ForfeitTo, dn.CreatedHeight));
        Assert.Equal([curator.Address], dn.Curators);

        // Block 2: three contributions of 1, 2 and 2 started KiB.
        Item[] items = [Item.Of("short answer"), Item.Of(new string('x', 1025)), Item.Of(new string('y', 2048))];
        Wei[] fees = [feePerKb, new(feePerKb.Value * 2), new(feePerKb.Value * 2)];
        var ownerBefore = d.Balance(owner);
        var b2 = d.Block(items.Select((it, k) => d.Sign(contributors[k], MarketDriver.Contribution(datanet, it))).ToArray());
        MarketDriver.AllOk(b2);
        var c = b2.Receipts.Select(r => r.TxHash).ToArray();
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(start[contributors[k].Address] - d.FeeOf(TxKind.Contribute) - fees[k] - stake, d.Balance(contributors[k]));
            var co = d.Market.Contribution(c[k])!;
            Assert.Equal((ContributionStatus.Pending, fees[k], stake, items[k].Content, -1), (co.Status, co.Fee, co.Stake, co.Content, co.ApprovalIndex));
        }
        Assert.Equal(ownerBefore + fees[0] + fees[1] + fees[2], d.Balance(owner));
        Assert.Equal(new Wei(stake.Value * 3), d.Market.Held);

        // Block 3: approve c2 then c0 (out of creation order), reject c1.
        var forfeitTo = forfeit == ForfeitRule.Owner ? owner.Address : d.Treasury;
        var forfeitBefore = d.Balance(forfeitTo);
        MarketDriver.AllOk(d.Block(
            d.Sign(curator, new Curate(c[2], true, "clear")),
            d.Sign(curator, new Curate(c[1], false, "duplicate of a textbook")),
            d.Sign(curator, new Curate(c[0], true, "ok"))));
        Assert.Equal(start[contributors[0].Address] - d.FeeOf(TxKind.Contribute) - fees[0], d.Balance(contributors[0]));
        Assert.Equal(start[contributors[1].Address] - d.FeeOf(TxKind.Contribute) - fees[1] - stake, d.Balance(contributors[1]));
        Assert.Equal(start[contributors[2].Address] - d.FeeOf(TxKind.Contribute) - fees[2], d.Balance(contributors[2]));
        Assert.Equal(forfeitBefore + stake, d.Balance(forfeitTo));
        Assert.Equal(Wei.Zero, d.Market.Held);
        Assert.Equal((ContributionStatus.Approved, 0, curator.Address), (d.Market.Contribution(c[2])!.Status, d.Market.Contribution(c[2])!.ApprovalIndex, d.Market.Contribution(c[2])!.Curator));
        Assert.Equal((ContributionStatus.Approved, 1), (d.Market.Contribution(c[0])!.Status, d.Market.Contribution(c[0])!.ApprovalIndex));
        Assert.Equal((ContributionStatus.Rejected, -1, "duplicate of a textbook"), (d.Market.Contribution(c[1])!.Status, d.Market.Contribution(c[1])!.ApprovalIndex, d.Market.Contribution(c[1])!.Reason));
        Assert.Equal((3, 2, 1), (d.Market.Datanet(datanet)!.Contributions, d.Market.Datanet(datanet)!.Approved, d.Market.Datanet(datanet)!.Rejected));

        // Block 4: version 1 = Merkle root of the approved content in approval order.
        d.Ok(owner, new PublishVersion(datanet));
        var vid = DatanetVersion.IdOf(datanet, 1);
        var version = d.Market.Version(vid)!;
        Hash32[] approved = [items[2].Content, items[0].Content];
        Assert.Equal((datanet, 1u, 2, owner.Address), (version.Datanet, version.Number, version.Count, version.PublishedBy));
        Assert.Equal(MerkleTree.Root(approved), version.Root);
        Assert.Equal(approved, d.Market.ApprovedContent(datanet));
        for (int k = 0; k < approved.Length; k++)
        {
            var proof = MerkleTree.Prove(approved, k);
            Assert.True(proof.Verify(version.Root));
            Assert.False((proof with { Item = items[1].Content }).Verify(version.Root)); // the rejected content is not in it
        }
        Assert.Equal(1u, d.Market.Datanet(datanet)!.Versions);

        // Block 5: the model. A price with remainders everywhere.
        var price = new Wei(1_000_000_000_000_000_007);
        var model = d.Ok(publisher, MarketDriver.NewModel("med-lora", price, 6_500, 2_500, 1_000, vid));
        var m = d.Market.Model(model)!;
        Assert.Equal((publisher.Address, ModelStatus.Active, price, 1u), (m.Owner, m.Status, m.Price, m.Current.Number));
        Assert.Equal([vid], m.Current.DatanetVersions);

        // Block 6: a paid request escrows the price.
        var callerBefore = d.Balance(caller);
        var inference = d.Ok(caller, new RequestInference(model, MarketDriver.H("what is a fever?"), new Wei(price.Value + 5)));
        Assert.Equal(callerBefore - d.FeeOf(TxKind.RequestInference) - price, d.Balance(caller));
        Assert.Equal(price, d.Market.Held);
        var i = d.Market.Inference(inference)!;
        Assert.Equal((InferenceStatus.Requested, price, 1u, caller.Address, 6L, 6L + d.Rules.Market.InferenceTimeoutBlocks),
            (i.Status, i.Escrow, i.ModelVersion, i.Caller, i.CreatedHeight, i.DeadlineHeight));
        Assert.Equal(1, d.Market.Get<ModelUsage>(ModelUsage.IdOf(model))!.Inferences);

        // Block 7: the serving operator posts the output.
        d.Ok(d.Serving, new PostResult(inference, MarketDriver.H("a raised temperature")));
        Assert.Equal((InferenceStatus.Served, MarketDriver.H("a raised temperature"), d.Serving.Address),
            (d.Market.Inference(inference)!.Status, d.Market.Inference(inference)!.Output, d.Market.Inference(inference)!.Server));

        // Block 8: the attribution operator settles 3:1 over c2 and c0.
        Address[] payees = [d.Treasury, publisher.Address, contributors[2].Address, contributors[0].Address];
        var before = payees.ToDictionary(a => a, d.Balance);
        d.Ok(d.Attribution, new SettleAttribution(inference, MarketDriver.H("attribution record"), [c[2], c[0]], [3, 1]));

        // Largest remainder by hand: protocol 1e17+0.7, owner 6.5e17+4.55, contributors 2.5e17+1.75 -> the two spare
        // wei go to contributors (.75) and protocol (.7); then 2.5e17+2 split 3:1 = 1.875e17+1.5 | 6.25e16+0.5, tie -> first.
        var shares = FeeSplit.Split(price, [1_000, 6_500, 2_500]);
        Assert.Equal([new Wei(100_000_000_000_000_001), new Wei(650_000_000_000_000_004), new Wei(250_000_000_000_000_002)], shares);
        var rewards = FeeSplit.Split(shares[2], [3, 1]);
        Assert.Equal([new Wei(187_500_000_000_000_002), new Wei(62_500_000_000_000_000)], rewards);
        Wei[] expected = [shares[0], shares[1], rewards[0], rewards[1]];
        for (int k = 0; k < payees.Length; k++) Assert.Equal(before[payees[k]] + expected[k], d.Balance(payees[k]));
        Assert.Equal(Wei.Zero, d.Market.Held);
        var settled = d.Market.Inference(inference)!;
        Assert.Equal((InferenceStatus.Settled, MarketDriver.H("attribution record"), d.Attribution.Address, 8L),
            (settled.Status, settled.Record, settled.Settler, settled.ResolvedHeight));

        // Events, in order, with the right kinds and subjects.
        var events = d.Events.ToList();
        Assert.Equal(
        [
            MarketEventKind.DatanetCreated,
            MarketEventKind.ContributionAdded, MarketEventKind.ContributionAdded, MarketEventKind.ContributionAdded,
            MarketEventKind.ContributionApproved, MarketEventKind.ContributionRejected, MarketEventKind.ContributionApproved,
            MarketEventKind.VersionPublished,
            MarketEventKind.ModelRegistered,
            MarketEventKind.InferenceRequested,
            MarketEventKind.ResultPosted,
            MarketEventKind.InferenceSettled,
            MarketEventKind.RewardCredited, MarketEventKind.RewardCredited, MarketEventKind.RewardCredited, MarketEventKind.RewardCredited,
        ], events.Select(e => e.Kind));
        Assert.Equal([datanet, c[0], c[1], c[2], c[2], c[1], c[0], vid, model, inference, inference, inference], events.Take(12).Select(e => e.Subject));
        Assert.Equal(stake, events[5].Amount);
        Assert.Equal(price, events[9].Amount);
        var rewardEvents = events.Skip(12).ToList();
        Assert.Equal(payees, rewardEvents.Select(e => e.Party!.Value));
        Assert.Equal(expected, rewardEvents.Select(e => e.Amount!.Value));
        Assert.Equal([InferenceRules.ProtocolRole, InferenceRules.OwnerRole, InferenceRules.ContributorRole, InferenceRules.ContributorRole],
            rewardEvents.Select(e => e.Detail));
        Assert.Equal([null, null, c[2], c[0]], rewardEvents.Select(e => e.Contribution));
        Assert.All(rewardEvents, e => Assert.Equal(inference, e.Inference));
        // Each transaction's events carry its index and hash.
        var settleBlock = d.Last;
        Assert.All(settleBlock.Events, e => Assert.Equal((0, settleBlock.Receipts[0].TxHash), (e.TxIndex, e.TxHash)));
        Assert.Equal([0, 1, 2], d.Executed[2].Events.Select(e => e.TxIndex));

        // The block reports the changed objects with their state-tree index, in index order.
        Assert.Equal([d.Market.IndexOf(inference)], settleBlock.ChangedObjects.Select(o => o.Index));
        Assert.Contains(settleBlock.ChangedAccounts, a => a.Address == d.Treasury);
    }

    [Fact]
    public void A_retired_model_still_serves_and_settles_what_was_paid_for_at_the_escrowed_price()
    {
        var w = new World();
        var d = w.D;
        // Raise the price and retire: I1 keeps its escrow and its version.
        d.Ok(w.Publisher, new UpdateModel(w.Model, new Wei(5), ModelStatus.Retired, Hash32.Zero, Hash32.Zero, []));
        Assert.Equal(ModelStatus.Retired, d.Market.Model(w.Model)!.Status);
        var before = d.Balance(w.Publisher);
        d.Ok(d.Attribution, w.SettleI1());
        var shares = FeeSplit.Split(World.Price, [1_000, 6_500, 2_500]);
        Assert.Equal(before + shares[1], d.Balance(w.Publisher));
        d.Ok(d.Serving, new PostResult(w.I2, MarketDriver.H("o2")));
        d.Ok(d.Attribution, new SettleAttribution(w.I2, MarketDriver.H("r2"), [w.C[0]], [1]));
        Assert.Equal(World.Stake, d.Market.Held); // c3 is still pending
    }

    [Fact]
    public void A_new_model_version_trains_on_a_later_datanet_version_and_old_requests_keep_theirs()
    {
        var w = new World();
        var d = w.D;
        d.Ok(w.Owner, new PublishVersion(w.A)); // v2 adds c4
        var av2 = DatanetVersion.IdOf(w.A, 2);
        Assert.Equal(3, d.Market.Version(av2)!.Count);
        Assert.Equal(MerkleTree.Root([w.Items[2].Content, w.Items[0].Content, w.Items[4].Content]), d.Market.Version(av2)!.Root);
        d.Ok(w.Publisher, new UpdateModel(w.Model, new Wei(777), ModelStatus.Active, MarketDriver.H("adapter v2"), MarketDriver.H("record v2"), [av2, w.BV1]));
        var m = d.Market.Model(w.Model)!;
        Assert.Equal((2u, new Wei(777)), (m.Current.Number, m.Price));

        var i3 = d.Ok(w.Caller, new RequestInference(w.Model, MarketDriver.H("input 3"), new Wei(777)));
        Assert.Equal((2u, new Wei(777)), (d.Market.Inference(i3)!.ModelVersion, d.Market.Inference(i3)!.Escrow));
        d.Ok(d.Serving, new PostResult(i3, MarketDriver.H("o3")));

        // I1 was requested on version 1: c4 and b0 are not in its training set.
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[4]], [1]), ErrorCode.AttributionNotInTrainingSet);
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.B0], [1]), ErrorCode.AttributionNotInTrainingSet);
        // I3 was requested on version 2: they are.
        var c0Before = d.Balance(w.Contributors[0]);
        d.Ok(d.Attribution, new SettleAttribution(i3, MarketDriver.H("r3"), [w.C[4], w.B0], [1, 1]));
        var shares = FeeSplit.Split(new Wei(777), [1_000, 6_500, 2_500]);
        Assert.Equal(c0Before + shares[2], d.Balance(w.Contributors[0])); // K2 contributed both c4 and b0
        // I1 settles at its own escrow.
        var treasury = d.Balance(d.Treasury);
        d.Ok(d.Attribution, w.SettleI1());
        Assert.Equal(treasury + FeeSplit.Split(World.Price, [1_000, 6_500, 2_500])[0], d.Balance(d.Treasury));
    }

    [Fact]
    public void The_owner_may_curate_and_publish_without_being_a_listed_curator_and_an_update_replaces_the_curators()
    {
        var w = new World();
        var d = w.D;
        d.Ok(w.Owner, new Curate(w.C[3], true, "owner approves"));
        d.Ok(w.Owner, new UpdateDatanet(w.A, "new description", ["x"], [w.Stranger.Address]));
        var a = d.Market.Datanet(w.A)!;
        Assert.Equal(("new description", "A"), (a.Description, a.Name));
        Assert.Equal([w.Stranger.Address], a.Curators);
        Assert.Equal(World.FeePerKb, a.FeePerKb); // the terms contributors agreed to stay
        d.Rejected(w.Curator, new PublishVersion(w.A), ErrorCode.NotCurator);
        d.Ok(w.Stranger, new PublishVersion(w.A));
        Assert.Equal(4, d.Market.Version(DatanetVersion.IdOf(w.A, 2))!.Count);
    }
}
