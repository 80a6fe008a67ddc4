using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>The marketplace rules' own errors: each a FAILED receipt with its code, and nothing but the fee changed.</summary>
public class MarketRuleErrorTests
{
    [Fact]
    public void Duplicate_normalized_content_is_refused_in_the_same_datanet_but_not_in_another()
    {
        var w = new World();
        var d = w.D;
        // Same normalized hash, different raw content (what normalization collapses).
        var again = new Contribute(w.A, MarketDriver.H("other raw bytes"), w.Items[0].Normalized, 10);
        d.Rejected(w.Stranger, again, ErrorCode.DuplicateContribution);
        // A rejected contribution's content stays taken.
        d.Rejected(w.Stranger, MarketDriver.Contribution(w.A, w.Items[1]), ErrorCode.DuplicateContribution);
        // Another datanet takes it.
        var elsewhere = d.Ok(w.Stranger, again with { Datanet = w.B });
        Assert.Equal(w.B, d.Market.Contribution(elsewhere)!.Datanet);

        // Two in one block: the second is the duplicate.
        var item = Item.Of("twice in one block");
        var b = d.Block(d.Sign(w.Stranger, MarketDriver.Contribution(w.A, item)), d.Sign(w.Caller, MarketDriver.Contribution(w.A, item)));
        Assert.Equal([ErrorCode.None, ErrorCode.DuplicateContribution], b.Receipts.Select(r => r.Error));
    }

    [Fact]
    public void Contributions_above_the_genesis_size_limit_or_to_unknown_datanets_are_refused()
    {
        var w = new World();
        var max = w.D.Rules.Market.MaxContributionBytes;
        w.D.Rejected(w.Stranger, new Contribute(w.B, MarketDriver.H("big"), MarketDriver.H("big n"), max + 1), ErrorCode.ContributionTooLarge);
        w.D.Rejected(w.Stranger, new Contribute(w.B, MarketDriver.H("huge"), MarketDriver.H("huge n"), ulong.MaxValue), ErrorCode.ContributionTooLarge);
        w.D.Ok(w.Stranger, new Contribute(w.B, MarketDriver.H("big"), MarketDriver.H("big n"), max));
        w.D.Rejected(w.Stranger, new Contribute(MarketDriver.H("nowhere"), MarketDriver.H("x"), MarketDriver.H("y"), 1), ErrorCode.UnknownDatanet);
    }

    [Fact]
    public void A_fee_plus_stake_beyond_128_bits_is_AmountOverflow()
    {
        var w = new World();
        var d = w.D;
        var huge = d.Ok(w.Stranger, MarketDriver.NewDatanet("huge stake", new Wei(2), new Wei(UInt128.MaxValue), ForfeitRule.Owner));
        d.Rejected(w.Caller, MarketDriver.Contribution(huge, Item.Of("x")), ErrorCode.AmountOverflow);
        var hugeFee = d.Ok(w.Stranger, MarketDriver.NewDatanet("huge fee", new Wei(UInt128.MaxValue / 2), Wei.Zero, ForfeitRule.Owner));
        d.Rejected(w.Caller, new Contribute(hugeFee, MarketDriver.H("c"), MarketDriver.H("n"), 3_000), ErrorCode.AmountOverflow);
        d.Rejected(w.Caller, new Contribute(hugeFee, MarketDriver.H("c"), MarketDriver.H("n"), 1), ErrorCode.InsufficientBalance);
    }

    [Fact]
    public void A_contributor_who_cannot_pay_fee_plus_stake_fails_with_nothing_taken_but_gas()
    {
        var w = new World();
        var d = w.D;
        // Leave the stranger just short of fee + stake (after the gas of the transfer and the contribution).
        var fee = World.FeePerKb; // 1 KiB
        var keep = d.FeeOf(TxKind.Contribute) + fee + World.Stake - new Wei(1);
        d.Ok(w.Stranger, new Transfer(w.Caller.Address, d.Balance(w.Stranger) - d.FeeOf(TxKind.Transfer) - keep));
        Assert.Equal(keep, d.Balance(w.Stranger));
        d.Rejected(w.Stranger, MarketDriver.Contribution(w.A, Item.Of("cannot pay")), ErrorCode.InsufficientBalance);
    }

    [Fact]
    public void Curating_twice_or_an_unknown_contribution_is_refused()
    {
        var w = new World();
        w.D.Rejected(w.Curator, new Curate(w.C[0], true, "again"), ErrorCode.AlreadyCurated);
        w.D.Rejected(w.Curator, new Curate(w.C[1], false, "reject again"), ErrorCode.AlreadyCurated);
        w.D.Rejected(w.Owner, new Curate(w.C[1], true, "un-reject"), ErrorCode.AlreadyCurated);
        w.D.Rejected(w.Owner, new Curate(MarketDriver.H("nothing"), true, ""), ErrorCode.UnknownContribution);
        // An inference id is not a contribution.
        w.D.Rejected(w.Owner, new Curate(w.I1, true, ""), ErrorCode.UnknownContribution);
    }

    [Fact]
    public void Publishing_with_nothing_newly_approved_is_refused()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(w.OtherOwner, new PublishVersion(w.B), ErrorCode.NothingToPublish);
        var empty = d.Ok(w.Stranger, MarketDriver.NewDatanet("empty", Wei.Zero, Wei.Zero, ForfeitRule.Owner));
        d.Ok(w.Stranger, MarketDriver.Contribution(empty, Item.Of("pending only")));
        d.Rejected(w.Stranger, new PublishVersion(empty), ErrorCode.NothingToPublish); // pending is not approved
        d.Ok(w.Owner, new PublishVersion(w.A)); // c4 is new
        d.Rejected(w.Owner, new PublishVersion(w.A), ErrorCode.NothingToPublish);
        d.Rejected(w.Owner, new PublishVersion(MarketDriver.H("no datanet")), ErrorCode.UnknownDatanet);
    }

    public static TheoryData<ushort, ushort, ushort> BadSplits => new()
    {
        { 7_000, 2_000, 999 },   // sums to 9,999
        { 7_000, 2_000, 1_001 }, // sums to 10,001
        { 8_500, 999, 501 },     // contributors under the 1,000 minimum
        { 5_000, 2_999, 2_001 }, // protocol over the 2,000 maximum
        { 0, 0, 10_000 },
        { 10_000, 0, 0 },
        { 65_535, 65_535, 10_002 }, // would sum to 10,000 in 16-bit arithmetic
    };

    [Theory]
    [MemberData(nameof(BadSplits))]
    public void A_fee_split_not_summing_to_10000_or_outside_the_genesis_bounds_is_refused(ushort owner, ushort contributors, ushort protocol)
    {
        var w = new World();
        w.D.Rejected(w.Publisher, MarketDriver.NewModel("bad split", Wei.Zero, owner, contributors, protocol, w.AV1), ErrorCode.FeeSplitOutOfBounds);
    }

    [Fact]
    public void Fee_splits_at_the_genesis_bounds_are_accepted()
    {
        var w = new World();
        w.D.Ok(w.Publisher, MarketDriver.NewModel("min contributors, max protocol", Wei.Zero, 7_000, 1_000, 2_000, w.AV1));
        w.D.Ok(w.Publisher, MarketDriver.NewModel("all to contributors", Wei.Zero, 0, 10_000, 0, w.AV1));
    }

    [Fact]
    public void Models_must_name_existing_datanet_versions()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(w.Publisher, MarketDriver.NewModel("ghost", Wei.Zero, 6_500, 2_500, 1_000, MarketDriver.H("no version")), ErrorCode.UnknownDatanetVersion);
        d.Rejected(w.Publisher, MarketDriver.NewModel("v2 not yet", Wei.Zero, 6_500, 2_500, 1_000, w.AV1, DatanetVersion.IdOf(w.A, 2)), ErrorCode.UnknownDatanetVersion);
        d.Rejected(w.Publisher, MarketDriver.NewModel("a datanet id is not a version", Wei.Zero, 6_500, 2_500, 1_000, w.A), ErrorCode.UnknownDatanetVersion);
        d.Rejected(w.Publisher, new UpdateModel(w.Model, Wei.Zero, ModelStatus.Active, MarketDriver.H("adapter"), MarketDriver.H("record"), [MarketDriver.H("no version")]), ErrorCode.UnknownDatanetVersion);
    }

    [Fact]
    public void Requests_need_an_active_model_and_a_price_within_the_maximum_and_the_balance()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(w.Caller, new RequestInference(w.Model, MarketDriver.H("x"), World.Price - new Wei(1)), ErrorCode.PriceAboveMaximum);
        d.Rejected(w.Caller, new RequestInference(w.Model, MarketDriver.H("x"), Wei.Zero), ErrorCode.PriceAboveMaximum);
        d.Rejected(w.Caller, new RequestInference(MarketDriver.H("no model"), MarketDriver.H("x"), World.Price), ErrorCode.UnknownModel);
        d.Ok(w.Publisher, new UpdateModel(w.Model, World.Price, ModelStatus.Retired, Hash32.Zero, Hash32.Zero, []));
        d.Rejected(w.Caller, new RequestInference(w.Model, MarketDriver.H("x"), World.Price), ErrorCode.ModelNotActive);
        d.Ok(w.Publisher, new UpdateModel(w.Model, Wei.FromOpen(2_000_000), ModelStatus.Active, Hash32.Zero, Hash32.Zero, []));
        d.Rejected(w.Caller, new RequestInference(w.Model, MarketDriver.H("x"), Wei.FromOpen(2_000_000)), ErrorCode.InsufficientBalance);
    }

    [Fact]
    public void Results_and_settlements_follow_the_inference_lifecycle()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(d.Attribution, new SettleAttribution(w.I2, MarketDriver.H("r"), [w.C[0]], [1]), ErrorCode.ResultNotPosted);
        d.Rejected(d.Serving, new PostResult(w.I1, MarketDriver.H("again")), ErrorCode.ResultAlreadyPosted);
        d.Rejected(d.Serving, new PostResult(MarketDriver.H("no inference"), MarketDriver.H("o")), ErrorCode.UnknownInference);
        d.Rejected(d.Attribution, new SettleAttribution(MarketDriver.H("no inference"), MarketDriver.H("r"), [w.C[0]], [1]), ErrorCode.UnknownInference);
        d.Ok(d.Attribution, w.SettleI1());
        d.Rejected(d.Attribution, w.SettleI1(), ErrorCode.AlreadySettled);
        d.Rejected(d.Attribution, w.SettleI1(5, 5), ErrorCode.AlreadySettled);
        d.Rejected(d.Serving, new PostResult(w.I1, MarketDriver.H("late")), ErrorCode.ResultAlreadyPosted);
        Assert.Equal(InferenceStatus.Settled, d.Market.Inference(w.I1)!.Status);
    }

    [Fact]
    public void Attribution_only_to_contributions_in_the_versions_the_model_was_trained_on()
    {
        var w = new World();
        var d = w.D;
        void NotIn(params Hash32[] contributions) =>
            d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), contributions, contributions.Select(_ => 1UL).ToArray()),
                ErrorCode.AttributionNotInTrainingSet);
        NotIn(w.C[4]);                 // approved after version 1 was published
        NotIn(w.B0);                   // approved and published, but in another datanet
        NotIn(w.C[1]);                 // rejected
        NotIn(w.C[3]);                 // pending
        NotIn(MarketDriver.H("none")); // unknown
        NotIn(w.A);                    // not a contribution at all
        NotIn(w.C[2], w.C[0], w.C[4]); // one bad entry spoils the settlement
        // Publishing version 2 later does not change what version 1 of the model was trained on.
        d.Ok(w.Owner, new PublishVersion(w.A));
        NotIn(w.C[4]);
        d.Ok(d.Attribution, w.SettleI1());
    }

    [Fact]
    public void A_settlement_names_each_contribution_once_with_some_weight()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2], w.C[2]], [1, 1]), ErrorCode.DuplicateAttribution);
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2], w.C[0], w.C[2]], [1, 2, 3]), ErrorCode.DuplicateAttribution);
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2], w.C[0]], [0, 0]), ErrorCode.ZeroTotalWeight);
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2]], [0]), ErrorCode.ZeroTotalWeight);
        // A zero weight next to a positive one is allowed: that contribution gets nothing.
        var k4 = d.Balance(w.Contributors[2]);
        var k2 = d.Balance(w.Contributors[0]);
        d.Ok(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2], w.C[0]], [0, ulong.MaxValue]));
        Assert.Equal(k4, d.Balance(w.Contributors[2]));
        Assert.Equal(k2 + Shares(World.Price)[2], d.Balance(w.Contributors[0]));
    }

    [Fact]
    public void More_attributions_than_the_genesis_allows_are_refused()
    {
        var w = new World(new MarketDriver(accounts: 9, market: m => m.MaxAttributions = 2));
        var d = w.D;
        d.Rejected(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[2], w.C[0], MarketDriver.H("x")], [1, 1, 1]), ErrorCode.TooManyAttributions);
        d.Ok(d.Attribution, w.SettleI1());
    }

    private static Wei[] Shares(Wei price) => FeeSplit.Split(price, [1_000, 6_500, 2_500]);

    [Fact]
    public void A_failed_transaction_in_a_block_with_successful_ones_changes_only_its_fee()
    {
        var w = new World();
        var d = w.D;
        var b = d.Block(
            d.Sign(d.Attribution, new SettleAttribution(w.I1, MarketDriver.H("r"), [w.C[4]], [1])), // not in the training set
            d.Sign(d.Attribution, w.SettleI1()));
        Assert.Equal([(ReceiptStatus.Failed, ErrorCode.AttributionNotInTrainingSet), (ReceiptStatus.Success, ErrorCode.None)],
            b.Receipts.Select(r => (r.Status, r.Error)));
        Assert.Equal(2UL, d.State.Get(d.Attribution.Address).Nonce);
        Assert.All(b.Events, e => Assert.Equal(1, e.TxIndex));
    }
}
