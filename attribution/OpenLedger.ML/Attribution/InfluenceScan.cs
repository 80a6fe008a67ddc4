using System.Numerics;

namespace OpenLedger.ML.Attribution;

/// <summary>The hot loop of a query: one dot product of the preconditioned query with every index row, streaming the
/// rows once from memory. Vectorised with <see cref="Vector{T}"/>; the order of additions depends only on the row
/// length, so a score is the same bytes on every run of the same build on the same machine.</summary>
public static class InfluenceScan
{
    /// <summary>scores[i] = rows[i]·query for rows of query.Length floats.</summary>
    public static void Score(ReadOnlySpan<float> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        var dimension = query.Length;
        if (dimension == 0 || rows.Length != (long)scores.Length * dimension)
            throw new AttributionException(AttributionException.DimensionMismatch,
                $"{rows.Length} floats are not {scores.Length} rows of the query's {dimension}");
        for (var i = 0; i < scores.Length; i++) scores[i] = Dot(rows.Slice(i * dimension, dimension), query);
    }

    /// <summary>Σ a_i b_i over equal-length spans, four vector accumulators (enough independent adds to keep the
    /// loads, not the adder's latency, the limit).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new AttributionException(AttributionException.DimensionMismatch, $"{a.Length} against {b.Length} floats");
        var width = Vector<float>.Count;
        Vector<float> sum0 = Vector<float>.Zero, sum1 = Vector<float>.Zero, sum2 = Vector<float>.Zero, sum3 = Vector<float>.Zero;
        var i = 0;
        for (; i + 4 * width <= a.Length; i += 4 * width)
        {
            sum0 += new Vector<float>(a.Slice(i, width)) * new Vector<float>(b.Slice(i, width));
            sum1 += new Vector<float>(a.Slice(i + width, width)) * new Vector<float>(b.Slice(i + width, width));
            sum2 += new Vector<float>(a.Slice(i + 2 * width, width)) * new Vector<float>(b.Slice(i + 2 * width, width));
            sum3 += new Vector<float>(a.Slice(i + 3 * width, width)) * new Vector<float>(b.Slice(i + 3 * width, width));
        }
        for (; i + width <= a.Length; i += width) sum0 += new Vector<float>(a.Slice(i, width)) * new Vector<float>(b.Slice(i, width));
        var sum = Vector.Sum((sum0 + sum1) + (sum2 + sum3));
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
