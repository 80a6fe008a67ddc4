using OpenLedger.ML.Runtime;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>GPT-2's masked multi-head self-attention: one fused projection to queries, keys and values
/// (<c>c_attn</c>, d → 3d), attention over earlier positions only, and the output projection (<c>c_proj</c>).
/// Written out (the "eager" path of Hugging Face) rather than through <c>scaled_dot_product_attention</c>, whose
/// dropout draws from libtorch's global generator: see <see cref="SeededDropout"/>.</summary>
public sealed class CausalSelfAttention : SwappableModule
{
    [ComponentName(Name = "c_attn")] private nn.Module<Tensor, Tensor> _qkv;
    [ComponentName(Name = "c_proj")] private nn.Module<Tensor, Tensor> _output;
    [ComponentName(Name = "attn_dropout")] private readonly SeededDropout _attentionDropout;
    [ComponentName(Name = "resid_dropout")] private readonly SeededDropout _residualDropout;
    private readonly int _heads;
    private readonly int _headDim;

    public CausalSelfAttention(Gpt2Config config, Generator dropoutGenerator) : base(nameof(CausalSelfAttention))
    {
        _heads = config.Heads;
        _headDim = config.HeadDim;
        _qkv = nn.Linear(config.ModelDim, 3 * config.ModelDim);
        _output = nn.Linear(config.ModelDim, config.ModelDim);
        _attentionDropout = new SeededDropout(config.Dropout, dropoutGenerator);
        _residualDropout = new SeededDropout(config.Dropout, dropoutGenerator);
        RegisterComponents();
    }

    /// <summary>The fused query/key/value projection, weight [3d, d].</summary>
    public nn.Module<Tensor, Tensor> Qkv => _qkv;

    /// <summary>The output projection, weight [d, d].</summary>
    public nn.Module<Tensor, Tensor> Output => _output;

    internal IEnumerable<ProjectionSlot> Projections(string prefix)
    {
        yield return new ProjectionSlot(prefix + "c_attn", () => _qkv, m => { ReplaceRegistered("c_attn", m); _qkv = m; });
        yield return new ProjectionSlot(prefix + "c_proj", () => _output, m => { ReplaceRegistered("c_proj", m); _output = m; });
    }

    /// <param name="x">[batch, time, d]</param>
    public override Tensor forward(Tensor x)
    {
        // The keys and values are not kept: this scope frees them.
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(Prefill(x, out _, out _));
    }

    /// <summary>The ordinary causal forward of <paramref name="x"/> [batch, time, d] that also hands out the keys and
    /// values it computed, [batch, heads, time, head_dim] each: what a <see cref="KvCache"/> starts from.</summary>
    internal Tensor Prefill(Tensor x, out Tensor keys, out Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        var (batch, time, dim) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = _qkv.call(x).split(dim, dim: 2);
        // [batch, time, d] -> [batch, heads, time, head_dim]
        var q = qkv[0].view(batch, time, _heads, _headDim).transpose(1, 2);
        var k = qkv[1].view(batch, time, _heads, _headDim).transpose(1, 2);
        var v = qkv[2].view(batch, time, _heads, _headDim).transpose(1, 2);

        using var scale = (1.0 / Math.Sqrt(_headDim)).ToScalar();
        var scores = q.matmul(k.transpose(-2, -1)).mul(scale);
        // True above the diagonal: position t may not look at t' > t.
        var future = torch.ones(time, time, dtype: ScalarType.Bool, device: x.device).triu(1);
        var weights = _attentionDropout.call(scores.masked_fill(future, HeldScalars.NegativeInfinity).softmax(-1));
        var mixed = weights.matmul(v).transpose(1, 2).contiguous().view(batch, time, dim);
        var output = _residualDropout.call(_output.call(mixed));
        keys = scope.MoveToOuter(k);
        values = scope.MoveToOuter(v);
        return scope.MoveToOuter(output);
    }

    /// <summary>One decoding step: <paramref name="x"/> [batch, 1, d] holds each row's new token, which takes position
    /// <paramref name="writeAt"/> of its row (int64 [batch, heads, 1, head_dim], the row's length repeated): its key
    /// and value are written there into <paramref name="keys"/> and <paramref name="values"/> (a
    /// <see cref="KvCache"/>'s, [batch, heads, context, head_dim]) and it attends to the first
    /// <c>blocked.shape[-1]</c> cached positions but those <paramref name="blocked"/> [batch, 1, 1, used] marks (a
    /// row's positions past its new token). The same arithmetic as <see cref="Prefill"/> on one query position.</summary>
    internal Tensor Step(Tensor x, Tensor keys, Tensor values, Tensor writeAt, Tensor blocked)
    {
        using var scope = torch.NewDisposeScope();
        var (batch, dim) = (x.shape[0], x.shape[2]);
        var qkv = _qkv.call(x).split(dim, dim: 2);
        var q = qkv[0].view(batch, 1, _heads, _headDim).transpose(1, 2);
        keys.scatter_(2, writeAt, qkv[1].view(batch, 1, _heads, _headDim).transpose(1, 2));
        values.scatter_(2, writeAt, qkv[2].view(batch, 1, _heads, _headDim).transpose(1, 2));
        var used = blocked.shape[^1];

        using var scale = (1.0 / Math.Sqrt(_headDim)).ToScalar();
        var scores = q.matmul(keys.narrow(2, 0, used).transpose(-2, -1)).mul(scale);
        var weights = _attentionDropout.call(scores.masked_fill(blocked, HeldScalars.NegativeInfinity).softmax(-1));
        var mixed = weights.matmul(values.narrow(2, 0, used)).transpose(1, 2).contiguous().view(batch, 1, dim);
        return scope.MoveToOuter(_residualDropout.call(_output.call(mixed)));
    }
}
