using OpenLedger.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Lora;

/// <summary>One projection applied to a batch whose rows belong to different adapters (OpenLoRA's heterogeneous
/// batching, the idea of S-LoRA and Punica's segmented matmul): every row pays the shared base matmul once, and each
/// adapter's low-rank update is computed only for its own rows. Weights are never merged, so many adapters share one
/// base in memory and one batch.</summary>
public static class MultiLora
{
    /// <summary>base(x) + for each row r with adapter a = <paramref name="adapterOfRow"/>[r] ≥ 0:
    /// scaling_a · x_r·A_aᵀ·B_aᵀ. Rows are gathered in adapter order (one <c>index_select</c>), each adapter's
    /// contiguous segment gets one pair of matmuls, and the updates are scattered back (one <c>index_add</c>).</summary>
    /// <param name="x">[rows, ..., in]; row r may be a whole sequence [time, in].</param>
    /// <param name="weight">The shared base weight [out, in].</param>
    /// <param name="bias">The shared base bias [out], or null.</param>
    /// <param name="adapterOfRow">For each row, an index into <paramref name="adapters"/>, or −1 for the base only.</param>
    /// <param name="adapters">The adapters' weights for this projection.</param>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias, IReadOnlyList<int> adapterOfRow, IReadOnlyList<LoraWeights> adapters)
    {
        var rows = x.shape[0];
        if (adapterOfRow.Count != rows)
            throw new ArgumentException($"{adapterOfRow.Count} adapter indices for {rows} rows");
        for (var r = 0; r < adapterOfRow.Count; r++)
            if (adapterOfRow[r] < -1 || adapterOfRow[r] >= adapters.Count)
                throw new ArgumentOutOfRangeException(nameof(adapterOfRow), $"row {r}: adapter {adapterOfRow[r]} of {adapters.Count}");

        using var scope = torch.NewDisposeScope();
        var output = nn.functional.linear(x, weight, bias);
        // Stable order by adapter: rows of one adapter form one contiguous segment, in their original order.
        var order = Enumerable.Range(0, adapterOfRow.Count).Where(r => adapterOfRow[r] >= 0)
            .OrderBy(r => adapterOfRow[r]).ThenBy(r => r).Select(r => (long)r).ToArray();
        if (order.Length == 0) return scope.MoveToOuter(output);

        var index = torch.tensor(order, device: x.device);
        var gathered = x.index_select(0, index);
        var updates = new List<Tensor>();
        var start = 0;
        while (start < order.Length)
        {
            var adapter = adapterOfRow[(int)order[start]];
            var end = start;
            while (end < order.Length && adapterOfRow[(int)order[end]] == adapter) end++;
            var (a, b, scaling) = adapters[adapter];
            var segment = gathered.narrow(0, start, end - start);
            using var alpha = scaling.ToScalar();
            updates.Add(nn.functional.linear(nn.functional.linear(segment, a), b).mul(alpha));
            start = end;
        }
        var result = output.index_add(0, index, torch.cat(updates, 0), HeldScalars.One);
        return scope.MoveToOuter(result);
    }
}
