using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>Who may do what: each unauthorised attempt is included with a FAILED receipt naming the rule; it pays its
/// fee, uses its nonce and changes nothing else.</summary>
public class MarketAccessControlTests
{
    [Fact]
    public void Curation_by_someone_who_is_neither_owner_nor_curator_is_refused()
    {
        var w = new World();
        w.D.Rejected(w.Stranger, new Curate(w.C[3], true, "me too"), ErrorCode.NotCurator);
        w.D.Rejected(w.Contributors[0], new Curate(w.C[3], true, "my own"), ErrorCode.NotCurator);
        w.D.Rejected(w.OtherOwner, new Curate(w.C[3], false, "owner of another datanet"), ErrorCode.NotCurator);
        w.D.Rejected(w.Curator, new Curate(w.B0, false, "curator of another datanet"), ErrorCode.NotCurator);
        w.D.Rejected(w.Stranger, new PublishVersion(w.A), ErrorCode.NotCurator);
        Assert.Equal(ContributionStatus.Pending, w.D.Market.Contribution(w.C[3])!.Status);
    }

    [Fact]
    public void Only_the_owner_updates_a_datanet()
    {
        var w = new World();
        w.D.Rejected(w.Curator, new UpdateDatanet(w.A, "hijack", [], [w.Curator.Address, w.Stranger.Address]), ErrorCode.NotDatanetOwner);
        w.D.Rejected(w.Stranger, new UpdateDatanet(w.A, "hijack", [], []), ErrorCode.NotDatanetOwner);
        w.D.Rejected(w.Owner, new UpdateDatanet(MarketDriver.H("no such datanet"), "", [], []), ErrorCode.UnknownDatanet);
    }

    [Fact]
    public void Only_the_owner_updates_a_model()
    {
        var w = new World();
        w.D.Rejected(w.Caller, new UpdateModel(w.Model, Wei.Zero, ModelStatus.Active, Hash32.Zero, Hash32.Zero, []), ErrorCode.NotModelOwner);
        w.D.Rejected(w.Owner, new UpdateModel(w.Model, Wei.Zero, ModelStatus.Retired, Hash32.Zero, Hash32.Zero, []), ErrorCode.NotModelOwner);
        w.D.Rejected(w.Publisher, new UpdateModel(MarketDriver.H("no such model"), Wei.Zero, ModelStatus.Active, Hash32.Zero, Hash32.Zero, []), ErrorCode.UnknownModel);
    }

    [Fact]
    public void Only_a_serving_operator_posts_results()
    {
        var w = new World();
        w.D.Rejected(w.Caller, new PostResult(w.I2, MarketDriver.H("self-served")), ErrorCode.NotServingOperator);
        w.D.Rejected(w.Publisher, new PostResult(w.I2, MarketDriver.H("owner-served")), ErrorCode.NotServingOperator);
        w.D.Rejected(w.D.Attribution, new PostResult(w.I2, MarketDriver.H("wrong operator")), ErrorCode.NotServingOperator);
        Assert.Equal(InferenceStatus.Requested, w.D.Market.Inference(w.I2)!.Status);
    }

    [Fact]
    public void Only_an_attribution_operator_settles()
    {
        var w = new World();
        w.D.Rejected(w.Publisher, w.SettleI1(), ErrorCode.NotAttributionOperator);
        w.D.Rejected(w.Contributors[2], w.SettleI1(), ErrorCode.NotAttributionOperator);
        w.D.Rejected(w.D.Serving, w.SettleI1(), ErrorCode.NotAttributionOperator);
        Assert.Equal(InferenceStatus.Served, w.D.Market.Inference(w.I1)!.Status);
        w.D.Ok(w.D.Attribution, w.SettleI1()); // and the operator still can
    }
}
