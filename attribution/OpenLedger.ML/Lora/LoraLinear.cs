using OpenLedger.ML.Runtime;
using OpenLedger.ML.Model;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Lora;

/// <summary>A frozen linear projection plus a trainable low-rank update: y = x·Wᵀ + b + scaling · dropout(x)·Aᵀ·Bᵀ.
/// It registers the base's own <c>weight</c> and <c>bias</c> parameters under their names, and <c>lora_A</c>,
/// <c>lora_B</c> beside them, so the model's state keeps Hugging Face's names (<c>h.0.attn.c_attn.weight</c>) and
/// the adapter's are <c>h.0.attn.c_attn.lora_A</c>.</summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    [ComponentName(Name = "bias")] private readonly Parameter? _bias;
    [ComponentName(Name = "lora_A")] private readonly Parameter _a;
    [ComponentName(Name = "lora_B")] private readonly Parameter _b;
    [ComponentName(Name = "lora_dropout")] private readonly SeededDropout _dropout;

    /// <summary>Wraps <paramref name="baseLayer"/> (weight [out, in]). A is drawn from <paramref name="initGenerator"/>
    /// with peft's Kaiming-uniform (a = √5), i.e. U(−1/√in, 1/√in); B starts at zero, so the adapted layer starts out
    /// computing exactly what the base does and training moves it away from there.</summary>
    public LoraLinear(Linear baseLayer, int rank, double alpha, double dropout, Generator initGenerator, Generator dropoutGenerator)
        : this(baseLayer.weight!, baseLayer.bias, rank, alpha, dropout, initGenerator, dropoutGenerator)
    {
        Base = baseLayer;
    }

    private LoraLinear(Parameter weight, Parameter? bias, int rank, double alpha, double dropout, Generator initGenerator, Generator dropoutGenerator)
        : base(nameof(LoraLinear))
    {
        if (weight.dim() != 2) throw new ArgumentException($"a linear weight is [out, in], got [{string.Join(", ", weight.shape)}]");
        if (rank <= 0) throw new ArgumentOutOfRangeException(nameof(rank), rank, "LoRA rank must be positive");
        var (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1]);
        _weight = weight;
        _bias = bias;
        _weight.requires_grad = false;
        if (_bias is not null) _bias.requires_grad = false;
        Scaling = alpha / rank;
        var options = (dtype: weight.dtype, device: weight.device);
        using (torch.no_grad())
        {
            var bound = 1.0 / Math.Sqrt(inFeatures);
            // Drawn on the CPU from the seeded generator, then moved: the same seed gives the same A on any device.
            using var a = torch.empty(rank, inFeatures, dtype: options.dtype).uniform_(-bound, bound, initGenerator);
            _a = new Parameter(a.to(options.device), requires_grad: true);
            _b = new Parameter(torch.zeros(outFeatures, rank, dtype: options.dtype, device: options.device), requires_grad: true);
        }
        _dropout = new SeededDropout(dropout, dropoutGenerator);
        RegisterComponents();
    }

    /// <summary>Wraps a Hugging Face Conv1D projection (weight [in, out]) by transposing it into a new frozen
    /// [out, in] parameter.</summary>
    public static LoraLinear FromConv1D(Tensor weightInOut, Tensor? bias, int rank, double alpha, double dropout,
        Generator initGenerator, Generator dropoutGenerator)
    {
        using var noGrad = torch.no_grad();
        var weight = new Parameter(weightInOut.t().contiguous(), requires_grad: false);
        var b = bias is null ? null : new Parameter(bias.detach().clone(), requires_grad: false);
        return new LoraLinear(weight, b, rank, alpha, dropout, initGenerator, dropoutGenerator);
    }

    /// <summary>The module this one replaced in the model (null when built from a Conv1D weight).</summary>
    public Linear? Base { get; }

    public Parameter Weight => _weight;
    public Parameter? Bias => _bias;

    /// <summary>A [rank, in].</summary>
    public Parameter A => _a;

    /// <summary>B [out, rank].</summary>
    public Parameter B => _b;

    public double Scaling { get; }

    public int Rank => (int)_a.shape[0];

    /// <summary>Set by attribution while it computes per-example gradients: sees this layer's adapter input x, the
    /// rank-space activation x·Aᵀ and the output, and may return the output with a gradient probe added.</summary>
    public ILoraCapture? Capture { get; set; }

    /// <summary>True while ΔW is folded into the base weight (inference at base cost; no training).</summary>
    public bool IsMerged { get; private set; }

    public LoraWeights Weights => new(_a, _b, Scaling);

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var result = nn.functional.linear(x, _weight, _bias);
        if (!IsMerged)
        {
            var input = _dropout.call(x);
            var hidden = nn.functional.linear(input, _a);
            var update = nn.functional.linear(hidden, _b);
            using var scaling = Scaling.ToScalar();
            result = result.add(update.mul(scaling), HeldScalars.One);
            // Attribution's per-example gradients: one null check on the normal path.
            if (Capture is { } capture) result = capture.Record(input, hidden, result);
        }
        return scope.MoveToOuter(result);
    }

    /// <summary>W ← W + scaling·B·A. Undone (up to float rounding) by <see cref="Unmerge"/>.</summary>
    public void Merge()
    {
        if (IsMerged) return;
        using var noGrad = torch.no_grad();
        using var delta = Weights.Delta();
        _weight.add_(delta, HeldScalars.One);
        IsMerged = true;
    }

    /// <summary>W ← W − scaling·B·A.</summary>
    public void Unmerge()
    {
        if (!IsMerged) return;
        using var noGrad = torch.no_grad();
        using var delta = Weights.Delta();
        _weight.sub_(delta);
        IsMerged = false;
    }
}
