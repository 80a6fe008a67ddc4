using OpenLedger.ML.Runtime;
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
        Tensor a, b;
        var scalings = torch.tensor(adapters.Select(w => w.Scaling).ToArray(), dtype: first.B.dtype, device: first.B.device).view(-1, 1, 1);
        if (adapters.All(w => w.Rank == rank))
        {
            // Equal ranks (the usual case: a marketplace's adapters mostly share a recipe): one stack per matrix, a
            // handful of kernels whatever the number of adapters, where copying each adapter in costs a few per adapter.
            a = torch.stack(adapters.Select(w => w.A));
            b = torch.stack(adapters.Select(w => w.B)).mul_(scalings);
        }
        else
        {
            a = torch.zeros(adapters.Count, rank, inFeatures, dtype: first.A.dtype, device: first.A.device);
            b = torch.zeros(adapters.Count, outFeatures, rank, dtype: first.B.dtype, device: first.B.device);
            for (var i = 0; i < adapters.Count; i++)
            {
                var (ai, bi, _) = adapters[i];
                a[i].narrow(0, 0, ai.shape[0]).copy_(ai);
                b[i].narrow(1, 0, bi.shape[1]).copy_(bi);
            }
            b.mul_(scalings);
        }
        // Kept across forwards (the decoding steps of a batch): out of every dispose scope, freed by Dispose.
        _a = a.DetachFromDisposeScope();
        _scaledB = b.DetachFromDisposeScope();
    }

    /// <summary>The adapters stacked, in slot order.</summary>
    public IReadOnlyList<LoraWeights> Adapters { get; }

    // The last call's rows and their gathered, transposed weights. Decoding calls every projection once per token
    // with the same rows (a row only leaves when it has its tokens), so the per-row gather is paid once per batch
    // rather than once per step: the steps then cost two batched matmuls per projection and nothing else.
    private long[]? _lastRows;
    private int[]? _lastSlots;
    private Tensor? _rowIndex;
    private Tensor? _rowA;       // [rows, in, r]
    private Tensor? _rowScaledB; // [rows, r, out]

    /// <summary>Adds to <paramref name="output"/>, in place, for each row r with slot s = <paramref name="slotOfRow"/>[r]
    /// ≥ 0, x_r·A_sᵀ·(scaling_s·B_s)ᵀ.</summary>
    /// <param name="x">[rows, time, in]</param>
    /// <param name="output">The base projection [rows, time, out], a tensor of the caller's own.</param>
    public void AddUpdates(Tensor x, Tensor output, IReadOnlyList<int> slotOfRow)
    {
        using var scope = torch.NewDisposeScope();
        var rows = Enumerable.Range(0, slotOfRow.Count).Where(r => slotOfRow[r] >= 0).Select(r => (long)r).ToArray();
        if (rows.Length == 0) return;
        Gather(rows, rows.Select(r => slotOfRow[(int)r]).ToArray(), x.device);
        if (rows.Length == slotOfRow.Count)
        {
            // Every row adapted (the usual case): no row selection and no scatter, the update is added in place.
            using var update = x.bmm(_rowA!).bmm(_rowScaledB!);
            output.add_(update, HeldScalars.One);
            return;
        }
        using var up = x.index_select(0, _rowIndex!).bmm(_rowA!).bmm(_rowScaledB!);
        output.index_add_(0, _rowIndex!, up, HeldScalars.One);
    }

    /// <summary>Makes <see cref="_rowA"/> and <see cref="_rowScaledB"/> the weights of <paramref name="rows"/>
    /// (whose slots are <paramref name="slots"/>), reusing the last ones when rows and slots are the same.</summary>
    private void Gather(long[] rows, int[] slots, Device device)
    {
        if (_lastRows is not null && _lastSlots is not null && _lastRows.AsSpan().SequenceEqual(rows) && _lastSlots.AsSpan().SequenceEqual(slots))
            return;
        DisposeGathered();
        using var scope = torch.NewDisposeScope();
        var slotIndex = torch.tensor(slots.Select(s => (long)s).ToArray(), device: device);
        _rowIndex = torch.tensor(rows, device: device).DetachFromDisposeScope();
        _rowA = _a.index_select(0, slotIndex).transpose(1, 2).contiguous().DetachFromDisposeScope();
        _rowScaledB = _scaledB.index_select(0, slotIndex).transpose(1, 2).contiguous().DetachFromDisposeScope();
        (_lastRows, _lastSlots) = (rows, slots);
    }

    private void DisposeGathered()
    {
        _rowIndex?.Dispose();
        _rowA?.Dispose();
        _rowScaledB?.Dispose();
        (_rowIndex, _rowA, _rowScaledB, _lastRows, _lastSlots) = (null, null, null, null, null);
    }

    public void Dispose()
    {
        DisposeGathered();
        _a.Dispose();
        _scaledB.Dispose();
    }
}
