using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>The per-row LoRA update of a heterogeneous batch on the CPU, written out as a SIMD loop (Punica's BGMV:
/// each row reads its own adapter's matrices in place) instead of gathering every row's matrices into new tensors and
/// running two batched matmuls. A profile of decoding with a different adapter on nearly every row showed libtorch's
/// CPU <c>bmm</c> on such shapes (64 problems of 1-16 × 128 × 8) spending most of its time per problem, not per
/// flop: at 8 new tokens the gathered path cost about twice the single-adapter path, where this loop costs about what
/// reading the adapters' weights from memory costs.</summary>
/// <remarks>Each position's update is computed on its own, in the same order whatever the batch holds (its length,
/// its other rows): a row gets the same floats in a one-token decoding step as at its last position in a whole-sequence
/// forward. Float32 CPU tensors only; other devices and types keep the batched matmuls.</remarks>
internal static class GatheredLoraKernel
{
    /// <summary>Whether the kernel can run on these tensors: float32 on the CPU.</summary>
    public static bool Applies(Tensor x, Tensor output, Tensor a) =>
        x.device_type == DeviceType.CPU && output.device_type == DeviceType.CPU && a.device_type == DeviceType.CPU
        && x.dtype == ScalarType.Float32 && output.dtype == ScalarType.Float32 && a.dtype == ScalarType.Float32;

    /// <summary>Adds to <paramref name="output"/> [rows, time, out], in place, for each row r with slot
    /// s = <paramref name="slotOfRow"/>[r] ≥ 0 and each of its positions t: x[r, t]·A_sᵀ·(scaling_s·B_s)ᵀ.</summary>
    /// <param name="x">[rows, time, in]</param>
    /// <param name="output">[rows, time, out], contiguous.</param>
    /// <param name="a">The adapters' A stacked [slots, rank, in], contiguous.</param>
    /// <param name="scaledBt">The adapters' scaling·Bᵀ stacked [slots, rank, out], contiguous.</param>
    public static void AddUpdates(Tensor x, Tensor output, Tensor a, Tensor scaledBt, IReadOnlyList<int> slotOfRow)
    {
        var (rows, time, inFeatures) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2]);
        var outFeatures = (int)output.shape[2];
        var rank = (int)a.shape[1];
        if (slotOfRow.Count != rows || output.shape[0] != rows || output.shape[1] != time
            || a.shape[2] != inFeatures || scaledBt.shape[1] != rank || scaledBt.shape[2] != outFeatures || scaledBt.shape[0] != a.shape[0])
            throw new ArgumentException($"x [{string.Join(", ", x.shape)}], output [{string.Join(", ", output.shape)}], A [{string.Join(", ", a.shape)}], " +
                                        $"scaled Bᵀ [{string.Join(", ", scaledBt.shape)}] and {slotOfRow.Count} row slots do not fit");
        if (!output.is_contiguous() || !a.is_contiguous() || !scaledBt.is_contiguous())
            throw new ArgumentException("output and the stacked weights must be contiguous");
        var slots = (int)a.shape[0];
        for (var r = 0; r < rows; r++)
            if (slotOfRow[r] >= slots) throw new ArgumentOutOfRangeException(nameof(slotOfRow), $"row {r}: slot {slotOfRow[r]} of {slots}");

        using var contiguous = x.contiguous();
        var xs = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
        var ys = MemoryMarshal.Cast<byte, float>(output.bytes);
        var aAll = MemoryMarshal.Cast<byte, float>(a.bytes);
        var bAll = MemoryMarshal.Cast<byte, float>(scaledBt.bytes);
        Span<float> h = rank <= 64 ? stackalloc float[rank] : new float[rank];
        for (var r = 0; r < rows; r++)
        {
            var s = slotOfRow[r];
            if (s < 0) continue;
            var aS = aAll.Slice(s * rank * inFeatures, rank * inFeatures);
            var bS = bAll.Slice(s * rank * outFeatures, rank * outFeatures);
            for (var t = 0; t < time; t++)
            {
                var position = r * time + t;
                Project(xs.Slice(position * inFeatures, inFeatures), aS, h);
                Expand(h, bS, ys.Slice(position * outFeatures, outFeatures));
            }
        }
    }

    /// <summary>h[j] = A[j]·x for each of A's rows (A [h.Length, x.Length]), four rows per pass so x is loaded once
    /// for four.</summary>
    private static void Project(ReadOnlySpan<float> x, ReadOnlySpan<float> a, Span<float> h)
    {
        var width = Vector<float>.Count;
        var n = x.Length;
        var j = 0;
        for (; j + 4 <= h.Length; j += 4)
        {
            var a0 = a.Slice(j * n, n);
            var a1 = a.Slice((j + 1) * n, n);
            var a2 = a.Slice((j + 2) * n, n);
            var a3 = a.Slice((j + 3) * n, n);
            Vector<float> s0 = Vector<float>.Zero, s1 = Vector<float>.Zero, s2 = Vector<float>.Zero, s3 = Vector<float>.Zero;
            var i = 0;
            for (; i + width <= n; i += width)
            {
                var xv = new Vector<float>(x.Slice(i, width));
                s0 += new Vector<float>(a0.Slice(i, width)) * xv;
                s1 += new Vector<float>(a1.Slice(i, width)) * xv;
                s2 += new Vector<float>(a2.Slice(i, width)) * xv;
                s3 += new Vector<float>(a3.Slice(i, width)) * xv;
            }
            float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (; i < n; i++)
            {
                t0 += a0[i] * x[i];
                t1 += a1[i] * x[i];
                t2 += a2[i] * x[i];
                t3 += a3[i] * x[i];
            }
            (h[j], h[j + 1], h[j + 2], h[j + 3]) = (t0, t1, t2, t3);
        }
        for (; j < h.Length; j++)
        {
            var aj = a.Slice(j * n, n);
            var sum = Vector<float>.Zero;
            var i = 0;
            for (; i + width <= n; i += width) sum += new Vector<float>(aj.Slice(i, width)) * new Vector<float>(x.Slice(i, width));
            var total = Vector.Sum(sum);
            for (; i < n; i++) total += aj[i] * x[i];
            h[j] = total;
        }
    }

    /// <summary>y += Σ_j h[j]·Bt[j] (Bt [h.Length, y.Length]): y is read and written once per vector of outputs.</summary>
    private static void Expand(ReadOnlySpan<float> h, ReadOnlySpan<float> bt, Span<float> y)
    {
        var width = Vector<float>.Count;
        var n = y.Length;
        var o = 0;
        for (; o + width <= n; o += width)
        {
            var sum = new Vector<float>(y.Slice(o, width));
            for (var j = 0; j < h.Length; j++) sum += new Vector<float>(h[j]) * new Vector<float>(bt.Slice(j * n + o, width));
            sum.CopyTo(y.Slice(o, width));
        }
        for (; o < n; o++)
        {
            var sum = y[o];
            for (var j = 0; j < h.Length; j++) sum += h[j] * bt[j * n + o];
            y[o] = sum;
        }
    }
}
