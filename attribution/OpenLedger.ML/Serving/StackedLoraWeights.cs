using OpenLedger.ML.Runtime;
using OpenLedger.ML.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>The adapter weights of every adapted row of a batch for one projection, stacked row by row into two
/// tensors, A [rows, r, in] and (scaling·B)ᵀ [rows, r, out], ranks zero-padded to the largest r: the layout of Punica's
/// gathered matmul (BGMV). The whole batch's updates then take one pair of batched matmuls, instead of one pair per
/// adapter (<see cref="MultiLora.Forward"/>), whose per-call overhead dominates when a batch holds many adapters with
/// a few rows each. The zero padding adds exact zeros, so only float rounding differs.</summary>
/// <remarks>Decoding calls every projection once per token with the same rows (a row only leaves when it has its
/// tokens), so the stacks are made once per batch of rows, kept across forwards, and remade only when the rows or
/// their adapters change. Each row's matrices are copied straight from its adapter's own tensors, in one pass: A as
/// stored (a plain memory copy; libtorch's CPU <c>bmm</c> reads it transposed as fast as a transposed copy, faster
/// for a one-token step), B transposed (read as stored, a step's second <c>bmm</c> took several times longer).
/// Stacking the distinct adapters first, then gathering a copy per row and transposing both made three copies of
/// the same bytes, a third of a heterogeneous prefill's extra cost: timed apart, one projection's stacking fell from
/// 0.3-1.0 ms to 0.1-0.2 ms and a one-token step's two matmuls from 33-85 us to 20-28 us.</remarks>
internal sealed class StackedLoraWeights : IDisposable
{
    private LoraWeights[]? _weights;
    private long[]? _rows;
    private Tensor? _rowIndex;
    private Tensor? _a;       // [rows, r, in]
    private Tensor? _scaledB; // [rows, r, out]

    /// <summary>Adds to <paramref name="output"/>, in place, for each row r with <paramref name="adapterOfRow"/>[r]
    /// = s ≥ 0, x_r·A_sᵀ·(scaling_s·B_s)ᵀ, with A_s, B_s, scaling_s those of <paramref name="adapters"/>[s].</summary>
    /// <param name="x">[rows, time, in]</param>
    /// <param name="output">The base projection [rows, time, out], a tensor of the caller's own.</param>
    public void AddUpdates(Tensor x, Tensor output, IReadOnlyList<LoraWeights> adapters, IReadOnlyList<int> adapterOfRow)
    {
        using var scope = torch.NewDisposeScope();
        var adapted = 0;
        for (var r = 0; r < adapterOfRow.Count; r++)
            if (adapterOfRow[r] >= 0) adapted++;
        if (adapted == 0) return;
        var rows = new long[adapted];
        var weights = new LoraWeights[adapted];
        for (int r = 0, i = 0; r < adapterOfRow.Count; r++)
        {
            if (adapterOfRow[r] < 0) continue;
            rows[i] = r;
            weights[i++] = adapters[adapterOfRow[r]];
        }
        Stack(rows, weights, x.device);
        var (a, scaledB) = (_a!.transpose(1, 2), _scaledB!); // [rows, in, r], [rows, r, out]
        if (adapted == adapterOfRow.Count)
        {
            // Every row adapted (the usual case): no row selection and no scatter, the update is added in place.
            output.add_(x.bmm(a).bmm(scaledB), HeldScalars.One);
            return;
        }
        output.index_add_(0, _rowIndex!, x.index_select(0, _rowIndex!).bmm(a).bmm(scaledB), HeldScalars.One);
    }

    /// <summary>Makes <see cref="_a"/> and <see cref="_scaledB"/> the stacks of <paramref name="weights"/>, the
    /// weights of <paramref name="rows"/>, reusing the last ones when rows and weights are the same.</summary>
    private void Stack(long[] rows, LoraWeights[] weights, Device device)
    {
        if (_rows is not null && _weights is not null && _rows.AsSpan().SequenceEqual(rows) && SameWeights(_weights, weights)) return;
        DisposeStacks();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rank = weights.Max(w => w.Rank);
        var first = weights[0];
        var scalings = torch.tensor(weights.Select(w => w.Scaling).ToArray(), dtype: first.B.dtype, device: first.B.device).view(-1, 1, 1);
        Tensor a, b;
        if (weights.All(w => w.Rank == rank))
        {
            // Equal ranks (the usual case: a marketplace's adapters mostly share a recipe): one stack per matrix, a
            // handful of kernels whatever the number of rows.
            a = torch.stack(weights.Select(w => w.A));
            b = torch.stack(weights.Select(w => w.B.t())).mul_(scalings);
        }
        else
        {
            var (inFeatures, outFeatures) = (first.A.shape[1], first.B.shape[0]);
            a = torch.zeros(weights.Length, rank, inFeatures, dtype: first.A.dtype, device: first.A.device);
            b = torch.zeros(weights.Length, rank, outFeatures, dtype: first.B.dtype, device: first.B.device);
            for (var i = 0; i < weights.Length; i++)
            {
                var (ai, bi, _) = weights[i];
                a[i].narrow(0, 0, ai.shape[0]).copy_(ai);
                b[i].narrow(0, 0, bi.shape[1]).copy_(bi.t());
            }
            b.mul_(scalings);
        }
        // Kept across forwards (the decoding steps of a batch): out of every dispose scope, freed by Dispose.
        _a = a.DetachFromDisposeScope();
        _scaledB = b.DetachFromDisposeScope();
        _rowIndex = torch.tensor(rows, device: device).DetachFromDisposeScope();
        (_rows, _weights) = (rows, weights);
    }

    private static bool SameWeights(LoraWeights[] last, LoraWeights[] now)
    {
        if (last.Length != now.Length) return false;
        for (var i = 0; i < last.Length; i++)
            if (!ReferenceEquals(last[i], now[i])) return false;
        return true;
    }

    private void DisposeStacks()
    {
        _rowIndex?.Dispose();
        _a?.Dispose();
        _scaledB?.Dispose();
        (_rowIndex, _a, _scaledB, _rows, _weights) = (null, null, null, null, null);
    }

    /// <summary>Frees the stacks (they are copies; the adapters own the originals).</summary>
    public void Dispose() => DisposeStacks();
}
