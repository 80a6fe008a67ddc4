using OpenLedger.ML.Attribution;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using static OpenLedger.Tests.ML.Attribution.AttributionFixture;

namespace OpenLedger.Tests.ML.Attribution;

[Collection(TorchSettingsCollection.Name)]
public class SelfInfluenceTests
{
    private static readonly LoraConfig AttentionOut = new(Rank: 2, Alpha: 4, ["attn.c_proj", "mlp.c_fc"]);

    public SelfInfluenceTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(PreconditionerKind.PerLayer)]
    [InlineData(PreconditionerKind.Global)]
    [InlineData(PreconditionerKind.None)]
    public void Self_influence_equals_the_query_path_score_of_each_example_against_itself(PreconditionerKind kind)
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var train = Rows(12, seed: 41);
        var index = InfluenceIndexBuilder.Build(model, adapter, train.Select((r, i) => new IndexedExample(r, Contribution(i))).ToArray(),
            ProjectionSpec.Default, kind, batchSize: 5);
        using var attributor = new InfluenceQuery(model, adapter, index);

        var self = SelfInfluence.Of(index);

        Assert.Equal(train.Length, self.Length);
        for (var i = 0; i < train.Length; i++)
        {
            // The query path: the example served as a query (its gradient recomputed alone), scored against the index.
            var queried = attributor.Attribute(train[i], maxAttributions: 3).ExampleScores[i];
            Assert.True(self[i] > 0, $"{kind} example {i}: self-influence {self[i]} of a positive (semi-)definite metric");
            Assert.True(Math.Abs(self[i] - queried) <= 1e-3 * Math.Abs(queried), $"{kind} example {i}: {self[i]} vs query path {queried}");
        }
    }

    [Fact]
    public void Without_a_preconditioner_self_influence_is_the_exact_gradient_squared_norm()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var train = Rows(6, seed: 43);
        var index = InfluenceIndexBuilder.Build(model, adapter, train.Select((r, i) => new IndexedExample(r, Contribution(i))).ToArray(),
            ProjectionSpec.Exact, PreconditionerKind.None);

        var self = SelfInfluence.Of(index);

        for (var i = 0; i < train.Length; i++)
        {
            var g = ExactGradient(model, adapter, train[i]);
            var expected = Dot(g, g);
            Assert.True(Math.Abs(self[i] - expected) <= 1e-4 * expected, $"example {i}: {self[i]} vs {expected}");
        }
    }

    [Fact]
    public void Normalised_self_influence_is_self_influence_over_the_gradient_squared_norm_and_one_without_a_preconditioner()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var examples = Rows(10, seed: 47).Select((r, i) => new IndexedExample(r, Contribution(i))).ToArray();
        var index = InfluenceIndexBuilder.Build(model, adapter, examples, ProjectionSpec.Default, PreconditionerKind.PerLayer);
        var plain = InfluenceIndexBuilder.Build(model, adapter, examples, ProjectionSpec.Default, PreconditionerKind.None);

        var self = SelfInfluence.Of(index);
        var normalised = SelfInfluence.Normalised(index);
        var plainNormalised = SelfInfluence.Normalised(plain);

        for (var i = 0; i < examples.Length; i++)
        {
            var row = index.Row(i).ToArray().Select(v => (double)v).ToArray();
            var expected = self[i] / Dot(row, row);
            Assert.True(Math.Abs(normalised[i] - expected) <= 1e-4 * expected, $"example {i}: {normalised[i]} vs {expected}");
            Assert.True(Math.Abs(plainNormalised[i] - 1) <= 1e-4, $"example {i}: φᵀφ/φᵀφ = {plainNormalised[i]}");
        }
    }

    [Fact]
    public void Loss_weighted_self_influence_is_the_loss_times_the_normalised_score_and_refuses_bad_losses()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var examples = Rows(8, seed: 53).Select((r, i) => new IndexedExample(r, Contribution(i))).ToArray();
        var index = InfluenceIndexBuilder.Build(model, adapter, examples, ProjectionSpec.Default, PreconditionerKind.PerLayer);
        var losses = Enumerable.Range(0, examples.Length).Select(i => 0.5 + i).ToArray();

        var weighted = SelfInfluence.LossWeighted(index, losses);
        var normalised = SelfInfluence.Normalised(index);

        for (var i = 0; i < examples.Length; i++)
            Assert.True(Math.Abs(weighted[i] - losses[i] * normalised[i]) <= 1e-5 * weighted[i], $"example {i}: {weighted[i]}");
        Assert.Equal(AttributionException.DimensionMismatch,
            Assert.Throws<AttributionException>(() => SelfInfluence.LossWeighted(index, losses[1..])).Code);
        losses[3] = double.NaN;
        Assert.Equal(AttributionException.NonFiniteScore, Assert.Throws<AttributionException>(() => SelfInfluence.LossWeighted(index, losses)).Code);
        losses[3] = -1;
        Assert.Equal(AttributionException.NonFiniteScore, Assert.Throws<AttributionException>(() => SelfInfluence.LossWeighted(index, losses)).Code);
    }
}
