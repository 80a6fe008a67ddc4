using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Attribution;

/// <summary>
/// Per-example gradients of each row's answer loss with respect to an adapter's LoRA parameters, projected
/// (<see cref="ProjectionSpec"/>), from ONE batched forward and backward pass. Every LoRA layer records its input x,
/// its rank-space activation h = x·Aᵀ and, through a zero probe added to its output, the output gradient g = ∂loss/∂y;
/// a row's gradient is then a sum over its own tokens of outer products (rows of a batch never see each other in
/// GPT-2), so nothing is run once per example.
/// </summary>
/// <remarks>The model is put in eval mode (no dropout: the gradient of the model as served). Not thread-safe: the
/// capture is attached to the model's layers for the duration of a call.</remarks>
public sealed class LoraGradients : IDisposable
{
    private readonly Gpt2Model _model;
    private readonly IReadOnlyList<(string Name, LoraLinear Layer)> _layers;
    private readonly Tensor?[] _projectIn;
    private readonly Tensor?[] _projectOut;

    public LoraGradients(Gpt2Model model, LoraAdapter adapter, ProjectionSpec projection)
    {
        _model = model;
        _layers = adapter.Layers;
        Projection = projection.Validated();
        var layout = new List<IndexLayer>(_layers.Count);
        _projectIn = new Tensor?[_layers.Count];
        _projectOut = new Tensor?[_layers.Count];
        var offset = 0;
        for (var i = 0; i < _layers.Count; i++)
        {
            var (name, layer) = _layers[i];
            if (layer.IsMerged) throw new InvalidOperationException($"{name} is merged: unmerge the adapter before attribution");
            var (outFeatures, inFeatures) = ((int)layer.Weight.shape[0], (int)layer.Weight.shape[1]);
            var keptIn = ProjectionSpec.Kept(projection.InputDims, inFeatures);
            var keptOut = ProjectionSpec.Kept(projection.OutputDims, outFeatures);
            _projectIn[i] = keptIn == inFeatures ? null : Gaussian(projection.Seed, 2 * i, keptIn, inFeatures);
            _projectOut[i] = keptOut == outFeatures ? null : Gaussian(projection.Seed, 2 * i + 1, keptOut, outFeatures);
            var entry = new IndexLayer(name, inFeatures, outFeatures, layer.Rank, keptIn, keptOut, offset);
            layout.Add(entry);
            offset += entry.Dimension;
        }
        Layout = layout;
        Dimension = offset;
    }

    public ProjectionSpec Projection { get; }

    /// <summary>The layers' slices of a gradient row, in adapter order.</summary>
    public IReadOnlyList<IndexLayer> Layout { get; }

    /// <summary>Floats per example.</summary>
    public int Dimension { get; }

    /// <summary>The projected gradient of each row's answer loss (summed negative log-likelihood), rows.Count ×
    /// <see cref="Dimension"/> floats, row-major, from one forward and backward pass over all rows.</summary>
    public float[] Compute(IReadOnlyList<AttributionRow> rows)
    {
        var result = new float[(long)rows.Count * Dimension];
        Compute(rows, result);
        return result;
    }

    /// <summary>As <see cref="Compute(IReadOnlyList{AttributionRow})"/>, into <paramref name="destination"/>.</summary>
    public void Compute(IReadOnlyList<AttributionRow> rows, Span<float> destination)
    {
        if (rows.Count == 0) throw new AttributionException(AttributionException.BadRow, "no rows to take gradients of");
        if (destination.Length != (long)rows.Count * Dimension)
            throw new AttributionException(AttributionException.DimensionMismatch, $"{destination.Length} floats for {rows.Count} rows of {Dimension}");
        var config = _model.Config;
        foreach (var row in rows) row.Validate(config.ContextLength, config.VocabSize);

        _model.eval();
        var captures = _layers.Select(_ => new LayerCapture()).ToArray();
        try
        {
            for (var i = 0; i < _layers.Count; i++) _layers[i].Layer.Capture = captures[i];
            using var scope = torch.NewDisposeScope();
            var (inputs, targets, mask) = Batch(rows);
            var logProbs = nn.functional.log_softmax(_model.call(inputs), -1);
            var picked = logProbs.gather(2, targets.unsqueeze(2)).squeeze(2);
            // Sum, not mean: each row's share of the loss is its own answer's NLL, so ∂loss/∂y at a row's tokens is
            // exactly that row's gradient.
            var loss = picked.mul(mask).sum().neg();
            if (captures.Any(c => c.Probe is null)) throw new InvalidOperationException("a LoRA layer did not run in the forward pass");
            var outputGradients = torch.autograd.grad([loss], captures.Select(c => c.Probe!).ToList());

            using var noGrad = torch.no_grad();
            var pieces = new List<Tensor>(2 * _layers.Count);
            for (var i = 0; i < _layers.Count; i++)
            {
                var layer = _layers[i].Layer;
                using var scaling = layer.Scaling.ToScalar();
                var g = outputGradients[i].mul(scaling);                  // s·gₜ  [batch, time, out]
                var x = captures[i].Input!;                               // xₜ    [batch, time, in]
                var h = captures[i].Hidden!;                              // hₜ    [batch, time, rank]
                var towardA = g.matmul(layer.B.detach());                 // s·Bᵀgₜ [batch, time, rank]
                var xKept = _projectIn[i] is { } pIn ? x.matmul(pIn.t()) : x;
                var gKept = _projectOut[i] is { } pOut ? g.matmul(pOut.t()) : g;
                pieces.Add(towardA.transpose(1, 2).bmm(xKept).flatten(1)); // [batch, rank·kIn]
                pieces.Add(gKept.transpose(1, 2).bmm(h).flatten(1));       // [batch, kOut·rank]
            }
            var all = torch.cat(pieces, 1).contiguous();
            all.data<float>().CopyTo(destination);
        }
        finally
        {
            foreach (var (_, layer) in _layers) layer.Capture = null;
            foreach (var capture in captures) capture.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var p in _projectIn) p?.Dispose();
        foreach (var p in _projectOut) p?.Dispose();
    }

    /// <summary>Inputs, targets and target mask [rows, width], padded at the end (causal attention: padding never
    /// reaches a real token).</summary>
    private static (Tensor Inputs, Tensor Targets, Tensor Mask) Batch(IReadOnlyList<AttributionRow> rows)
    {
        var width = rows.Max(r => r.InputLength);
        var inputs = new long[rows.Count * width];
        var targets = new long[rows.Count * width];
        var mask = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            var (tokens, firstTarget) = rows[r];
            for (var i = 0; i < tokens.Length - 1; i++)
            {
                inputs[r * width + i] = tokens[i];
                if (i + 1 < firstTarget) continue;
                targets[r * width + i] = tokens[i + 1];
                mask[r * width + i] = 1;
            }
        }
        long[] shape = [rows.Count, width];
        return (torch.tensor(inputs, shape), torch.tensor(targets, shape), torch.tensor(mask, shape));
    }

    /// <summary>P [k, n] with N(0, 1/k) entries from its own generator: E[PᵀP] = I, so projected dot products are
    /// unbiased estimates of the full ones.</summary>
    private static Tensor Gaussian(long seed, int stream, int k, int n)
    {
        using var generator = new Generator(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream + 1), torch.CPU);
        using var scope = torch.NewDisposeScope();
        using var scale = (1.0 / Math.Sqrt(k)).ToScalar();
        var p = torch.randn([k, n], generator: generator).mul_(scale);
        return scope.MoveToOuter(p);
    }

    /// <summary>What one layer showed during the forward pass; the probe is the leaf whose gradient is ∂loss/∂y.</summary>
    private sealed class LayerCapture : ILoraCapture, IDisposable
    {
        public Tensor? Input { get; private set; }
        public Tensor? Hidden { get; private set; }
        public Tensor? Probe { get; private set; }

        public Tensor Record(Tensor input, Tensor hidden, Tensor output)
        {
            if (Probe is not null) throw new InvalidOperationException("a LoRA layer ran twice in one capture");
            Input = input.detach().DetachFromDisposeScope();
            Hidden = hidden.detach().DetachFromDisposeScope();
            Probe = torch.zeros(output.shape, dtype: output.dtype, device: output.device, requires_grad: true).DetachFromDisposeScope();
            return output.add(Probe, HeldScalars.One);
        }

        public void Dispose()
        {
            Input?.Dispose();
            Hidden?.Dispose();
            Probe?.Dispose();
        }
    }
}
