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
}
