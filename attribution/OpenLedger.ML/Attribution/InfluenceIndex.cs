using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution;

/// <summary>
/// An adapter's attribution index: one projected gradient row per training example (float32, contiguous,
/// row-major), which contribution each example came from, the projection that made the rows and the preconditioner
/// fitted on them. Rows are kept raw (the preconditioner is applied to the query), so a query is one pass over
/// <see cref="Rows"/>.
/// </summary>
public sealed class InfluenceIndex
{
    private readonly float[] _rows;
    private readonly int[] _contributionOfRow;

    /// <param name="rows">count × dimension floats, owned by the index from here on</param>
    /// <param name="contributionOfRow">for each row, an index into <paramref name="contributions"/></param>
    public InfluenceIndex(ProjectionSpec projection, IReadOnlyList<IndexLayer> layout, float[] rows, int[] contributionOfRow,
        IReadOnlyList<Hash32> contributions, Preconditioner preconditioner)
    {
        Dimension = layout.Sum(l => l.Dimension);
        if (layout.Count == 0 || Dimension == 0) throw new AttributionException(AttributionException.DimensionMismatch, "an index needs at least one layer");
        var offset = 0;
        foreach (var layer in layout)
        {
            if (layer.Offset != offset) throw new AttributionException(AttributionException.DimensionMismatch, $"{layer.Name} starts at {layer.Offset}, expected {offset}");
            offset += layer.Dimension;
        }
        if (contributionOfRow.Length == 0) throw new AttributionException(AttributionException.EmptyIndex, "an index needs at least one training example");
        if (rows.Length != (long)contributionOfRow.Length * Dimension)
            throw new AttributionException(AttributionException.DimensionMismatch,
                $"{rows.Length} floats are not {contributionOfRow.Length} rows of {Dimension}");
        foreach (var c in contributionOfRow)
            if ((uint)c >= (uint)contributions.Count)
                throw new AttributionException(AttributionException.DimensionMismatch, $"row names contribution {c} of {contributions.Count}");
        if (contributions.Distinct().Count() != contributions.Count)
            throw new AttributionException(AttributionException.DimensionMismatch, "contributions must be distinct");
        foreach (var block in preconditioner.Blocks)
            if (block.Offset < 0 || block.Size <= 0 || block.Offset + block.Size > Dimension || block.Inverse.Length != block.Size * block.Size)
                throw new AttributionException(AttributionException.DimensionMismatch, $"a preconditioner block [{block.Offset}, +{block.Size}) does not fit rows of {Dimension}");
        Projection = projection;
        Layout = layout;
        _rows = rows;
        _contributionOfRow = contributionOfRow;
        Contributions = contributions;
        Preconditioner = preconditioner;
    }

    public ProjectionSpec Projection { get; }
    public IReadOnlyList<IndexLayer> Layout { get; }
    public int Dimension { get; }
    public int Count => _contributionOfRow.Length;
    public ReadOnlySpan<float> Rows => _rows;
    public ReadOnlySpan<int> ContributionOfRow => _contributionOfRow;

    /// <summary>The distinct contributions (content hashes), in the order their first example appears.</summary>
    public IReadOnlyList<Hash32> Contributions { get; }

    public Preconditioner Preconditioner { get; }

    /// <summary>Row <paramref name="example"/>'s gradient.</summary>
    public ReadOnlySpan<float> Row(int example) => _rows.AsSpan(example * Dimension, Dimension);

    /// <summary>Each example's influence on a query gradient: φ_iᵀ P q.</summary>
    public float[] Score(ReadOnlySpan<float> queryGradient)
    {
        if (queryGradient.Length != Dimension)
            throw new AttributionException(AttributionException.DimensionMismatch, $"a query of {queryGradient.Length} floats against rows of {Dimension}");
        var preconditioned = Preconditioner.Apply(queryGradient);
        var scores = new float[Count];
        InfluenceScan.Score(_rows, preconditioned, scores);
        return scores;
    }

    /// <summary>Sums example scores per contribution (in row order, in float64: deterministic).</summary>
    public double[] Aggregate(ReadOnlySpan<float> exampleScores)
    {
        if (exampleScores.Length != Count)
            throw new AttributionException(AttributionException.DimensionMismatch, $"{exampleScores.Length} scores for {Count} examples");
        var sums = new double[Contributions.Count];
        for (var i = 0; i < exampleScores.Length; i++)
        {
            var score = exampleScores[i];
            if (!float.IsFinite(score)) throw new AttributionException(AttributionException.NonFiniteScore, $"example {i} scored {score}");
            sums[_contributionOfRow[i]] += score;
        }
        return sums;
    }

    /// <summary>The index's bytes (<see cref="InfluenceIndexFormat"/>): the same index gives the same bytes.</summary>
    public byte[] ToBytes() => InfluenceIndexFormat.Write(this);

    /// <summary>Keccak-256 of <see cref="ToBytes"/>: what a training record names the index by.</summary>
    public Hash32 Hash() => Keccak256.Hash(ToBytes());

    public static InfluenceIndex FromBytes(ReadOnlySpan<byte> bytes) => InfluenceIndexFormat.Read(bytes);
}
