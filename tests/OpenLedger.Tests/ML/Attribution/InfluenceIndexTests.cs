using OpenLedger.ML.Attribution;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using TorchSharp;
using static OpenLedger.Tests.ML.Attribution.AttributionFixture;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML.Attribution;

[Collection(TorchSettingsCollection.Name)]
public class InfluenceIndexTests
{
    // One small projection per block keeps the exact gradient at 256 floats, so the global inverse is cheap.
    private static readonly LoraConfig AttentionOut = new(Rank: 2, Alpha: 4, ["attn.c_proj"]);

    public InfluenceIndexTests() => TorchRuntime.EnsureLoaded();

    private static IndexedExample[] Examples(AttributionRow[] rows) =>
        rows.Select((r, i) => new IndexedExample(r, Contribution(i % 5))).ToArray();

    [Fact]
    public void Unprojected_unpreconditioned_scores_equal_exact_gradient_dot_products_computed_one_by_one()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var train = Rows(14, seed: 21);
        var query = Rows(1, seed: 22)[0];
        var index = InfluenceIndexBuilder.Build(model, adapter, Examples(train), ProjectionSpec.Exact, PreconditionerKind.None, batchSize: 4);
        using var attributor = new InfluenceQuery(model, adapter, index);
        var attribution = attributor.Attribute(query, maxAttributions: 3);

        var q = ExactGradient(model, adapter, query);
        var expected = train.Select(r => Dot(ExactGradient(model, adapter, r), q)).ToArray();
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 0);
        for (var i = 0; i < train.Length; i++)
            Assert.True(Math.Abs(attribution.ExampleScores[i] - expected[i]) <= 1e-4 * scale, $"example {i}: {attribution.ExampleScores[i]} vs {expected[i]}");
        for (var c = 0; c < 5; c++)
        {
            var sum = Enumerable.Range(0, train.Length).Where(i => i % 5 == c).Sum(i => expected[i]);
            Assert.True(Math.Abs(attribution.ContributionScores[c] - sum) <= 1e-4 * scale * 3);
        }
    }

    [Fact]
    public void Preconditioned_scores_equal_the_TRAK_formula_on_exact_gradients_in_float64()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var train = Rows(10, seed: 31);
        var query = Rows(1, seed: 32)[0];
        const double damping = 0.5;
        foreach (var kind in new[] { PreconditionerKind.Global, PreconditionerKind.PerLayer })
        {
            var index = InfluenceIndexBuilder.Build(model, adapter, Examples(train), ProjectionSpec.Exact, kind, damping);
            using var attributor = new InfluenceQuery(model, adapter, index);
            var scores = attributor.Attribute(query, 5).ExampleScores;

            // Reference: G [n, D] from one-by-one backward passes, P = blockdiag((G_bᵀG_b + λ_b I)⁻¹), λ_b = damping·tr/size.
            using var scope = torch.NewDisposeScope();
            var g = torch.tensor(train.SelectMany(r => ExactGradient(model, adapter, r)).ToArray(), [train.Length, index.Dimension]);
            var q = torch.tensor(ExactGradient(model, adapter, query), [index.Dimension, 1]);
            var blocks = kind == PreconditionerKind.Global ? [(0, index.Dimension)] : index.Layout.Select(l => (l.Offset, l.Dimension)).ToList();
            var expected = torch.zeros([train.Length], dtype: ScalarType.Float64);
            foreach (var (offset, size) in blocks)
            {
                var gb = g.narrow(1, offset, size);
                var fisher = gb.t().matmul(gb);
                using var lambda = (damping * fisher.trace().item<double>() / size).ToScalar();
                var inverse = torch.linalg.inv(fisher.add(torch.eye(size, dtype: ScalarType.Float64), lambda));
                expected = expected.add(gb.matmul(inverse.matmul(q.narrow(0, offset, size))).squeeze(1), HeldScalars.One);
            }
            var reference = expected.data<double>().ToArray();
            var scale = reference.Max(Math.Abs);
            for (var i = 0; i < train.Length; i++)
                Assert.True(Math.Abs(scores[i] - reference[i]) <= 1e-3 * scale, $"{kind} example {i}: {scores[i]} vs {reference[i]}");
        }
    }

    [Fact]
    public void The_same_inputs_give_a_byte_identical_index_that_reads_back_to_the_same_bytes()
    {
        using var single = TorchDeterminism.SingleThreaded();
        byte[] Build()
        {
            var (model, adapter) = Model(new LoraConfig(4, 8, LoraConfig.AllProjections));
            using var _ = model;
            return InfluenceIndexBuilder.Build(model, adapter, Examples(Rows(11, seed: 41)), new ProjectionSpec(4, 4, 9), PreconditionerKind.PerLayer,
                batchSize: 4).ToBytes();
        }
        var first = Build();
        var second = Build();
        Assert.Equal(first, second);
        var read = InfluenceIndex.FromBytes(first);
        Assert.Equal(first, read.ToBytes());
        Assert.Equal(11, read.Count);
        Assert.Equal(5, read.Contributions.Count);
        Assert.Equal(OpenLedger.Core.Crypto.Keccak256.Hash(first), read.Hash());
    }

    [Fact]
    public void Corrupt_or_truncated_index_bytes_are_refused_with_CorruptIndex()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        var bytes = InfluenceIndexBuilder.Build(model, adapter, Examples(Rows(4, seed: 51)), ProjectionSpec.Exact, PreconditionerKind.Global).ToBytes();
        foreach (var bad in new[] { bytes[..^1], bytes[..10], [.. bytes, 0], Flip(bytes, 0), Flip(bytes, 4), Array.Empty<byte>() })
            Assert.Equal(AttributionException.CorruptIndex, Assert.Throws<AttributionException>(() => InfluenceIndex.FromBytes(bad)).Code);
    }

    [Fact]
    public void Bad_index_input_is_refused_with_a_clear_code()
    {
        var (model, adapter) = Model(AttentionOut);
        using var _ = model;
        Assert.Equal(AttributionException.EmptyIndex, Assert.Throws<AttributionException>(() =>
            InfluenceIndexBuilder.Build(model, adapter, [], ProjectionSpec.Exact, PreconditionerKind.None)).Code);
        var index = InfluenceIndexBuilder.Build(model, adapter, Examples(Rows(3, seed: 61)), ProjectionSpec.Exact, PreconditionerKind.None);
        Assert.Equal(AttributionException.DimensionMismatch, Assert.Throws<AttributionException>(() => index.Score(new float[index.Dimension + 1])).Code);
        Assert.Equal(AttributionException.DimensionMismatch, Assert.Throws<AttributionException>(() => index.Aggregate(new float[2])).Code);
        Assert.Equal(AttributionException.EmptyIndex, Assert.Throws<AttributionException>(() =>
            new InfluenceIndex(index.Projection, index.Layout, [], [], [], Preconditioner.Identity)).Code);
        Assert.Equal(AttributionException.DimensionMismatch, Assert.Throws<AttributionException>(() =>
            new InfluenceIndex(index.Projection, index.Layout, new float[index.Dimension], [0, 0], [Contribution(0)], Preconditioner.Identity)).Code);

        // An index built with another projection than the adapter gives is refused at query time.
        var projected = InfluenceIndexBuilder.Build(model, adapter, Examples(Rows(3, seed: 62)), new ProjectionSpec(3, 3, 1), PreconditionerKind.None);
        var (other, otherAdapter) = Model(new LoraConfig(2, 4, ["mlp.c_fc"]));
        using var __ = other;
        Assert.Equal(AttributionException.AdapterMismatch, Assert.Throws<AttributionException>(() => new InfluenceQuery(other, otherAdapter, projected)).Code);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0xFF;
        return copy;
    }
}
