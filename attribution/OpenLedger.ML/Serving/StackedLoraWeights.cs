using OpenLedger.ML.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>Several adapters' weights for one projection stacked into two tensors, A [k, r, in] and scaling·B
/// [k, out, r], ranks zero-padded to the largest r: the layout of Punica's gathered matmul (BGMV). Each row then
/// gathers its own adapter's matrices and the whole batch's updates take one pair of batched matmuls, instead of one
/// pair per adapter (<see cref="MultiLora.Forward"/>), whose per-call overhead dominates when a batch holds many
/// adapters with a few rows each. The zero padding adds exact zeros, so only float rounding differs.</summary>
internal sealed class StackedLoraWeights : IDisposable
{
    private readonly Tensor _a;
    private readonly Tensor _scaledB;

    public StackedLoraWeights(IReadOnlyList<LoraWeights> adapters)
    {
        Adapters = adapters;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rank = adapters.Max(w => w.Rank);
        var first = adapters[0];
        var (inFeatures, outFeatures) = (first.A.shape[1], first.B.shape[0]);
        var a = torch.zeros(adapters.Count, rank, inFeatures, dtype: first.A.dtype, device: first.A.device);
        var b = torch.zeros(adapters.Count, outFeatures, rank, dtype: first.B.dtype, device: first.B.device);
        for (var i = 0; i < adapters.Count; i++)
        {
            var (ai, bi, scaling) = adapters[i];
            a[i].narrow(0, 0, ai.shape[0]).copy_(ai);
            b[i].narrow(1, 0, bi.shape[1]).copy_(bi * scaling);
        }
        // Kept across forwards (the decoding steps of a batch): out of every dispose scope, freed by Dispose.
        _a = a.DetachFromDisposeScope();
        _scaledB = b.DetachFromDisposeScope();
    }

    /// <summary>The adapters stacked, in slot order.</summary>
    public IReadOnlyList<LoraWeights> Adapters { get; }

    /// <summary><paramref name="output"/> plus, for each row r with slot s = <paramref name="slotOfRow"/>[r] ≥ 0,
    /// x_r·A_sᵀ·(scaling_s·B_s)ᵀ.</summary>
    /// <param name="x">[rows, time, in]</param>
    /// <param name="output">The base projection [rows, time, out].</param>
    public Tensor AddUpdates(Tensor x, Tensor output, IReadOnlyList<int> slotOfRow)
    {
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(0, slotOfRow.Count).Where(r => slotOfRow[r] >= 0).ToArray();
        if (rows.Length == 0) return scope.MoveToOuter(output.alias());
        var rowIndex = torch.tensor(rows.Select(r => (long)r).ToArray(), device: x.device);
        var slotIndex = torch.tensor(rows.Select(r => (long)slotOfRow[r]).ToArray(), device: x.device);
        var selected = x.index_select(0, rowIndex);
        var down = selected.bmm(_a.index_select(0, slotIndex).transpose(1, 2));
        var up = down.bmm(_scaledB.index_select(0, slotIndex).transpose(1, 2));
        return scope.MoveToOuter(output.index_add(0, rowIndex, up, 1));
    }

    public void Dispose()
    {
        _a.Dispose();
        _scaledB.Dispose();
    }
}
