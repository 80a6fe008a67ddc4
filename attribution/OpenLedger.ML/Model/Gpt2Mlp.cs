using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>GPT-2's position-wise feed-forward layer: d → 4d (<c>c_fc</c>), GELU with the tanh approximation
/// (what OpenAI trained with, "gelu_new" in Hugging Face; the exact erf GELU would shift a real checkpoint's
/// outputs), 4d → d (<c>c_proj</c>).</summary>
public sealed class Gpt2Mlp : SwappableModule
{
    [ComponentName(Name = "c_fc")] private nn.Module<Tensor, Tensor> _expand;
    [ComponentName(Name = "c_proj")] private nn.Module<Tensor, Tensor> _contract;
    [ComponentName(Name = "dropout")] private readonly SeededDropout _dropout;

    public Gpt2Mlp(Gpt2Config config, Generator dropoutGenerator) : base(nameof(Gpt2Mlp))
    {
        _expand = nn.Linear(config.ModelDim, 4 * config.ModelDim);
        _contract = nn.Linear(4 * config.ModelDim, config.ModelDim);
        _dropout = new SeededDropout(config.Dropout, dropoutGenerator);
        RegisterComponents();
    }

    /// <summary>The expansion, weight [4d, d].</summary>
    public nn.Module<Tensor, Tensor> Expand => _expand;

    /// <summary>The contraction, weight [d, 4d].</summary>
    public nn.Module<Tensor, Tensor> Contract => _contract;

    internal IEnumerable<ProjectionSlot> Projections(string prefix)
    {
        yield return new ProjectionSlot(prefix + "c_fc", () => _expand, m => { ReplaceRegistered("c_fc", m); _expand = m; });
        yield return new ProjectionSlot(prefix + "c_proj", () => _contract, m => { ReplaceRegistered("c_proj", m); _contract = m; });
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = nn.functional.gelu(_expand.call(x), TorchSharp.Modules.GELU.Approximate.tanh);
        return scope.MoveToOuter(_dropout.call(_contract.call(hidden)));
    }
}
