using OpenLedger.ML.Lora;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>A base projection that adds, for each row of the batch, the update of that row's adapter
/// (<see cref="MultiLora.Forward"/>). Which adapter a row uses is not an argument of <c>forward</c> (the model's
/// blocks pass only the activations) but the <see cref="AdapterRows"/> that <see cref="MultiAdapterModel"/> sets
/// for the duration of one forward. The base weight and bias are the replaced <c>Linear</c>'s own parameters,
/// registered under the same names, so the model's state keeps Hugging Face's names and nothing is copied.</summary>
public sealed class MultiAdapterProjection : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    [ComponentName(Name = "bias")] private readonly Parameter? _bias;
    private readonly AdapterRows _rows;
    private StackedLoraWeights? _stacked;

    private readonly int _gatherFrom;

    internal MultiAdapterProjection(string name, Linear baseLayer, AdapterRows rows, int gatherFrom) : base(nameof(MultiAdapterProjection))
    {
        _gatherFrom = gatherFrom;
        Name = name;
        Base = baseLayer;
        _weight = baseLayer.weight!;
        _bias = baseLayer.bias;
        _rows = rows;
        RegisterComponents();
    }

    /// <summary>The module path, <c>h.0.attn.c_attn</c>: the key of this projection in an adapter's layers.</summary>
    public string Name { get; }

    /// <summary>The model's own projection, put back by <see cref="MultiAdapterModel.Dispose"/>.</summary>
    public Linear Base { get; }

    public Parameter Weight => _weight;

    public Parameter? Bias => _bias;

    public override Tensor forward(Tensor x)
    {
        var current = _rows.Current;
        if (current is null || current.Adapters.Count == 0) return nn.functional.linear(x, _weight, _bias);

        // Adapters that do not target this projection leave their rows on the base.
        var weights = new List<LoraWeights>(current.Adapters.Count);
        var local = new int[current.Adapters.Count];
        for (var i = 0; i < current.Adapters.Count; i++)
        {
            if (current.Adapters[i].Layers.TryGetValue(Name, out var layer))
            {
                local[i] = weights.Count;
                weights.Add(layer);
            }
            else local[i] = -1;
        }
        if (weights.Count == 0) return nn.functional.linear(x, _weight, _bias);
        var adapterOfRow = current.AdapterOfRow.Select(a => a < 0 ? -1 : local[a]).ToArray();
        if (weights.Count == 1 && Array.TrueForAll(adapterOfRow, a => a == 0))
        {
            // One adapter on every row (a batch of one adapter's requests): no rows to select or scatter, the update
            // is added in place to the base output (3 kernels; MultiLora's general path takes 7 and two copies).
            using var scope = torch.NewDisposeScope();
            var (a, b, scaling) = weights[0];
            var adapted = nn.functional.linear(x, _weight, _bias);
            using var alpha = scaling.ToScalar();
            adapted.add_(nn.functional.linear(nn.functional.linear(x, a), b), alpha);
            return scope.MoveToOuter(adapted);
        }
        if (weights.Count < _gatherFrom || x.dim() != 3) return MultiLora.Forward(x, _weight, _bias, adapterOfRow, weights);

        // Decoding calls forward once per token with the same rows: their weights are stacked once, not every step.
        _stacked ??= new StackedLoraWeights();
        var output = nn.functional.linear(x, _weight, _bias);
        try
        {
            _stacked.AddUpdates(x, output, weights, adapterOfRow);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Frees the stacked weights of the last batch (they are copies; the adapters own the originals).</summary>
    internal void ReleaseStacked() => _stacked?.Dispose();

    protected override void Dispose(bool disposing)
    {
        if (disposing) ReleaseStacked();
        base.Dispose(disposing);
    }
}

/// <summary>The adapter of every row of the batch being computed: distinct adapters and, per row, an index into them
/// or −1 for the base alone.</summary>
internal sealed record BatchAdapters(IReadOnlyList<ServedAdapter> Adapters, int[] AdapterOfRow);

/// <summary>The slot through which a <see cref="MultiAdapterModel"/> tells its projections the current batch's
/// adapters.</summary>
internal sealed class AdapterRows
{
    public BatchAdapters? Current { get; set; }
}
