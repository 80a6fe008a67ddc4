using OpenLedger.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>One pre-LayerNorm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(·)). Normalising before each
/// sub-layer (GPT-2's change from the original transformer) keeps the residual stream un-normalised, which is what
/// makes deep stacks train without warm-up tricks.</summary>
public sealed class Gpt2Block : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "ln_1")] private readonly LayerNorm _attentionNorm;
    [ComponentName(Name = "attn")] private readonly CausalSelfAttention _attention;
    [ComponentName(Name = "ln_2")] private readonly LayerNorm _mlpNorm;
    [ComponentName(Name = "mlp")] private readonly Gpt2Mlp _mlp;

    public Gpt2Block(Gpt2Config config, Generator dropoutGenerator) : base(nameof(Gpt2Block))
    {
        _attentionNorm = nn.LayerNorm(config.ModelDim, config.LayerNormEpsilon);
        _attention = new CausalSelfAttention(config, dropoutGenerator);
        _mlpNorm = nn.LayerNorm(config.ModelDim, config.LayerNormEpsilon);
        _mlp = new Gpt2Mlp(config, dropoutGenerator);
        RegisterComponents();
    }

    public CausalSelfAttention Attention => _attention;

    public Gpt2Mlp Mlp => _mlp;

    internal IEnumerable<ProjectionSlot> Projections(string prefix) =>
        _attention.Projections(prefix + "attn.").Concat(_mlp.Projections(prefix + "mlp."));

    public override Tensor forward(Tensor x)
    {
        // The keys and values are not kept: this scope frees them.
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(Prefill(x, out _, out _));
    }

    /// <summary><see cref="forward"/>, handing out the attention's keys and values
    /// (<see cref="CausalSelfAttention.Prefill"/>).</summary>
    internal Tensor Prefill(Tensor x, out Tensor keys, out Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        var afterAttention = x.add(_attention.Prefill(_attentionNorm.call(x), out var k, out var v), HeldScalars.One);
        keys = scope.MoveToOuter(k);
        values = scope.MoveToOuter(v);
        return scope.MoveToOuter(WithMlp(afterAttention));
    }

    /// <summary>One decoding step through the block (<see cref="CausalSelfAttention.Step"/>).</summary>
    internal Tensor Step(Tensor x, Tensor keys, Tensor values, Tensor writeAt, Tensor blocked)
    {
        using var scope = torch.NewDisposeScope();
        var afterAttention = x.add(_attention.Step(_attentionNorm.call(x), keys, values, writeAt, blocked), HeldScalars.One);
        return scope.MoveToOuter(WithMlp(afterAttention));
    }

    private Tensor WithMlp(Tensor afterAttention) =>
        afterAttention.add(_mlp.call(_mlpNorm.call(afterAttention)), HeldScalars.One);
}
