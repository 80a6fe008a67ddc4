using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>A model costs the producer a bounded amount whatever its history: at most maxModelVersions versions
/// (genesis), and a paid request updates the model's small usage object, never the model with all its versions.</summary>
public class MarketModelBoundsTests
{
    private static UpdateModel NewVersion(Hash32 model, int n, params Hash32[] datanetVersions) =>
        new(model, World.Price, ModelStatus.Active, MarketDriver.H($"adapter {n}"), MarketDriver.H($"record {n}"), datanetVersions);

    [Fact]
    public void A_model_takes_versions_up_to_the_genesis_cap_and_the_next_is_refused_with_TooManyModelVersions()
    {
        var w = new World(new MarketDriver(accounts: 9, market: m => m.MaxModelVersions = 3));
        var d = w.D;
        d.Ok(w.Publisher, NewVersion(w.Model, 2, w.AV1));
        d.Ok(w.Publisher, NewVersion(w.Model, 3, w.AV1, w.BV1));
        Assert.Equal(3u, d.Market.Model(w.Model)!.Current.Number);

        d.Rejected(w.Publisher, NewVersion(w.Model, 4, w.AV1), ErrorCode.TooManyModelVersions);
        Assert.Equal(3, d.Market.Model(w.Model)!.Versions.Length);
        // Price and status still change at the cap, and requests are served on the last version.
        d.Ok(w.Publisher, new UpdateModel(w.Model, new Wei(5), ModelStatus.Active, Hash32.Zero, Hash32.Zero, []));
        var i = d.Ok(w.Caller, new RequestInference(w.Model, MarketDriver.H("at the cap"), new Wei(5)));
        Assert.Equal(3u, d.Market.Inference(i)!.ModelVersion);
        // Only the owner learns of the cap: a stranger is still NotModelOwner.
        d.Rejected(w.Stranger, NewVersion(w.Model, 4, w.AV1), ErrorCode.NotModelOwner);
    }

    [Fact]
    public void A_request_encodes_the_same_bytes_for_a_model_of_one_version_as_for_one_at_the_cap()
    {
        var w = new World(); // the default cap: 64
        var d = w.D;
        Assert.Equal(64, d.Rules.Market.MaxModelVersions);
        var big = d.Ok(w.Publisher, MarketDriver.NewModel("big", World.Price, 6_500, 2_500, 1_000, w.AV1));
        for (int n = 2; n <= 64; n += 21)
            MarketDriver.AllOk(d.Block([.. Enumerable.Range(n, Math.Min(21, 65 - n)).Select(v => d.Sign(w.Publisher, NewVersion(big, v, w.AV1, w.BV1)))]));
        Assert.Equal((1, 64), (d.Market.Model(w.Model)!.Versions.Length, d.Market.Model(big)!.Versions.Length));
        var bigModelBytes = d.Market.Model(big)!.Encode().Length;

        long Encoded(Hash32 model, string input)
        {
            var before = d.Market.EncodedBytes;
            var b = d.Block(d.Sign(w.Caller, new RequestInference(model, MarketDriver.H(input), World.Price)));
            MarketDriver.AllOk(b);
            // The model is not rewritten: only the inference and the model's usage changed.
            Assert.Equal([typeof(InferenceRequest), typeof(ModelUsage)], b.ChangedObjects.Select(o => o.Object.GetType()).OrderBy(t => t.Name));
            return d.Market.EncodedBytes - before;
        }
        var small = Encoded(w.Model, "one version");
        var atCap = Encoded(big, "sixty-four versions");
        Assert.Equal(small, atCap);
        Assert.True(atCap < bigModelBytes / 10, $"a request encoded {atCap} bytes; the model alone is {bigModelBytes}");
    }

    [Fact]
    public void Each_request_counts_in_the_model_s_usage_object_and_the_model_s_commitment_does_not_move()
    {
        var w = new World();
        var d = w.D;
        var usageId = ModelUsage.IdOf(w.Model);
        var usage = d.Market.Get<ModelUsage>(usageId)!;
        Assert.Equal((w.Model, w.Publisher.Address, 2L), (usage.Model, usage.Owner, usage.Inferences)); // the world requested I1 and I2
        Assert.Equal(d.Market.IndexOf(w.Model) + 1, d.Market.IndexOf(usageId)); // created with the model, right after it

        var model = d.Market.Model(w.Model)!.Commitment();
        MarketDriver.AllOk(d.Block(
            d.Sign(w.Caller, new RequestInference(w.Model, MarketDriver.H("a"), World.Price)),
            d.Sign(w.Stranger, new RequestInference(w.Model, MarketDriver.H("b"), World.Price))));
        Assert.Equal(4, d.Market.Get<ModelUsage>(usageId)!.Inferences);
        Assert.Equal(model, d.Market.Model(w.Model)!.Commitment());
        MarketStateLoadTests.AssertReloadsIdentically(d.State);
    }
}
