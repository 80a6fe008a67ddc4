using OpenLedger.ML.Attribution;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using static OpenLedger.Tests.ML.Attribution.AttributionFixture;

namespace OpenLedger.Tests.ML.Attribution;

public class PerExampleGradientTests
{
    private static readonly LoraConfig AllProjections = new(Rank: 4, Alpha: 8, LoraConfig.AllProjections);

    public PerExampleGradientTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Largest |a − b| over the largest |b|: float32 agreement whatever the gradient's scale.</summary>
    private static double RelativeError(ReadOnlySpan<float> actual, IReadOnlyList<double> expected)
    {
        Assert.Equal(expected.Count, actual.Length);
        double worst = 0, scale = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        Assert.True(scale > 0, "the reference gradient is zero: the check would prove nothing");
        return worst / scale;
    }

    [Fact]
    public void Batched_per_example_gradients_equal_one_backward_pass_per_example()
    {
        var (model, adapter) = Model(AllProjections);
        using var _ = model;
        var rows = Rows(9, seed: 5);
        using var gradients = new LoraGradients(model, adapter, ProjectionSpec.Exact);
        Assert.Equal((int)adapter.ParameterCount, gradients.Dimension);

        var batched = gradients.Compute(rows);

        for (var r = 0; r < rows.Length; r++)
        {
            var exact = ExactGradient(model, adapter, rows[r]);
            var error = RelativeError(batched.AsSpan(r * gradients.Dimension, gradients.Dimension), exact);
            Assert.True(error < 1e-4, $"row {r}: relative error {error:0.0e0}");
        }
    }

    [Fact]
    public void A_rows_projected_gradient_does_not_depend_on_the_rows_batched_with_it()
    {
        var (model, adapter) = Model(AllProjections);
        using var _ = model;
        var rows = Rows(6, seed: 8);
        using var gradients = new LoraGradients(model, adapter, new ProjectionSpec(6, 5, Seed: 3));
        Assert.Equal(8 * (4 * 6 + 5 * 4), gradients.Dimension); // 8 layers of rank·kIn + kOut·rank

        var batched = gradients.Compute(rows);
        for (var r = 0; r < rows.Length; r++)
        {
            var alone = gradients.Compute([rows[r]]);
            var error = RelativeError(batched.AsSpan(r * gradients.Dimension, gradients.Dimension), alone.Select(v => (double)v).ToList());
            Assert.True(error < 1e-4, $"row {r}: relative error {error:0.0e0} between batched and alone");
        }
    }

    [Fact]
    public void Projected_dot_products_track_exact_ones_and_the_projection_is_fixed_by_its_seed()
    {
        var (model, adapter) = Model(AllProjections);
        using var _ = model;
        var rows = Rows(12, seed: 11);
        using var exact = new LoraGradients(model, adapter, ProjectionSpec.Exact);
        using var projected = new LoraGradients(model, adapter, new ProjectionSpec(16, 16, Seed: 4));
        using var again = new LoraGradients(model, adapter, new ProjectionSpec(16, 16, Seed: 4));
        var full = exact.Compute(rows);
        var small = projected.Compute(rows);
        Assert.Equal(small, again.Compute(rows));

        // Self dot products (squared norms) under a Gaussian projection are unbiased: their ranking by size survives.
        double Norm(float[] g, int dim, int r) => InfluenceScan.Dot(g.AsSpan(r * dim, dim), g.AsSpan(r * dim, dim));
        var exactNorms = Enumerable.Range(0, rows.Length).Select(r => Norm(full, exact.Dimension, r)).ToArray();
        var projectedNorms = Enumerable.Range(0, rows.Length).Select(r => Norm(small, projected.Dimension, r)).ToArray();
        Assert.True(Spearman(exactNorms, projectedNorms) > 0.8, $"Spearman {Spearman(exactNorms, projectedNorms):0.00}");
    }

    [Fact]
    public void A_row_the_model_cannot_score_is_refused_with_a_code()
    {
        var (model, adapter) = Model(AllProjections);
        using var _ = model;
        using var gradients = new LoraGradients(model, adapter, ProjectionSpec.Exact);
        Assert.Equal(AttributionException.BadRow, Assert.Throws<AttributionException>(() => gradients.Compute([new AttributionRow([1], 1)])).Code);
        Assert.Equal(AttributionException.BadRow, Assert.Throws<AttributionException>(() => gradients.Compute([new AttributionRow([1, 2, 3], 3)])).Code);
        Assert.Equal(AttributionException.BadRow, Assert.Throws<AttributionException>(() =>
            gradients.Compute([new AttributionRow(new int[Tiny.ContextLength + 2], 1)])).Code);
        Assert.Equal(AttributionException.BadRow, Assert.Throws<AttributionException>(() => gradients.Compute([new AttributionRow([1, Tiny.VocabSize], 1)])).Code);
        Assert.All(adapter.Layers, l => Assert.Null(l.Layer.Capture));
    }

    private static double Spearman(double[] a, double[] b)
    {
        static double[] Ranks(double[] v)
        {
            var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
            var ranks = new double[v.Length];
            for (var r = 0; r < order.Length; r++) ranks[order[r]] = r;
            return ranks;
        }
        var (ra, rb) = (Ranks(a), Ranks(b));
        var mean = (a.Length - 1) / 2.0;
        double num = 0, da = 0, db = 0;
        for (var i = 0; i < a.Length; i++)
        {
            num += (ra[i] - mean) * (rb[i] - mean);
            da += (ra[i] - mean) * (ra[i] - mean);
            db += (rb[i] - mean) * (rb[i] - mean);
        }
        return num / Math.Sqrt(da * db);
    }
}
