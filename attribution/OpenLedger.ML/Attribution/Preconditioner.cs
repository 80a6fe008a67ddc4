using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Attribution;

/// <summary>A block-diagonal inverse (Φ_bᵀΦ_b + λ_b I)⁻¹ fitted on an index's rows Φ, applied once per query
/// (q ↦ P q), so the rows stay raw and scoring a query is one dot product per row: score_i = φ_iᵀ (P q).
/// <see cref="PreconditionerKind.Global"/> is one block over the whole row, <see cref="PreconditionerKind.PerLayer"/>
/// one block per LoRA layer, <see cref="PreconditionerKind.None"/> no block at all (identity).</summary>
public sealed class Preconditioner
{
    /// <summary>The default relative damping λ/mean eigenvalue (see the README's attribution section for why).</summary>
    public const double DefaultDamping = 0.1;

    public Preconditioner(PreconditionerKind kind, double damping, IReadOnlyList<PreconditionerBlock> blocks)
    {
        Kind = kind;
        Damping = damping;
        Blocks = blocks;
    }

    public PreconditionerKind Kind { get; }

    /// <summary>λ relative to each block's mean eigenvalue (trace / size).</summary>
    public double Damping { get; }

    public IReadOnlyList<PreconditionerBlock> Blocks { get; }

    public static Preconditioner Identity { get; } = new(PreconditionerKind.None, 0, []);

    /// <summary>Fits on <paramref name="rows"/> (count × dimension, row-major), the products accumulated in float64
    /// and the inverse computed in float64 (deterministic on one thread).</summary>
    public static Preconditioner Fit(ReadOnlySpan<float> rows, int count, IReadOnlyList<IndexLayer> layout, PreconditionerKind kind,
        double damping = DefaultDamping)
    {
        if (kind == PreconditionerKind.None) return Identity;
        if (!(damping > 0) || double.IsInfinity(damping)) throw new ArgumentOutOfRangeException(nameof(damping), damping, "damping must be positive");
        if (count == 0) throw new AttributionException(AttributionException.EmptyIndex, "no rows to fit a preconditioner on");
        var dimension = layout.Sum(l => l.Dimension);
        if (rows.Length != (long)count * dimension)
            throw new AttributionException(AttributionException.DimensionMismatch, $"{rows.Length} floats for {count} rows of {dimension}");
        var ranges = kind == PreconditionerKind.Global ? [(0, dimension)] : layout.Select(l => (l.Offset, l.Dimension)).ToList();

        using var scope = torch.NewDisposeScope();
        var phi = torch.tensor(rows.ToArray(), [count, dimension]).to(ScalarType.Float64);
        var blocks = new List<PreconditionerBlock>(ranges.Count);
        foreach (var (offset, size) in ranges)
        {
            var slice = phi.narrow(1, offset, size);
            var gram = slice.t().matmul(slice);
            var meanEigenvalue = gram.diagonal().sum().item<double>() / size;
            // A block whose gradients are all zero (an untouched layer) gets the identity scale instead of 0/0.
            var lambda = damping * (meanEigenvalue > 0 ? meanEigenvalue : 1);
            using var lambdaScalar = lambda.ToScalar();
            var damped = gram.add(torch.eye(size, dtype: ScalarType.Float64), lambdaScalar);
            var inverse = torch.linalg.inv(damped).to(ScalarType.Float32).contiguous();
            blocks.Add(new PreconditionerBlock(offset, size, inverse.data<float>().ToArray()));
        }
        return new Preconditioner(kind, damping, blocks);
    }

    /// <summary>P q. Outside every block (a None preconditioner) the query passes unchanged.</summary>
    public float[] Apply(ReadOnlySpan<float> query)
    {
        var result = query.ToArray();
        foreach (var block in Blocks)
        {
            var q = query.Slice(block.Offset, block.Size);
            for (var r = 0; r < block.Size; r++)
                result[block.Offset + r] = InfluenceScan.Dot(block.Inverse.AsSpan(r * block.Size, block.Size), q);
        }
        return result;
    }
}
