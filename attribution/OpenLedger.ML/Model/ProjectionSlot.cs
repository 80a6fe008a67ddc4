using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>A linear projection inside a model that can be swapped for an adapted one (a LoRA layer), named by its
/// Hugging Face path such as <c>h.3.attn.c_attn</c>. The model hands these out so an adapter installer needs no
/// reflection and the model does not need to know what LoRA is.</summary>
public sealed class ProjectionSlot
{
    private readonly Func<nn.Module<Tensor, Tensor>> _get;
    private readonly Action<nn.Module<Tensor, Tensor>> _set;

    internal ProjectionSlot(string name, Func<nn.Module<Tensor, Tensor>> get, Action<nn.Module<Tensor, Tensor>> set)
    {
        Name = name;
        _get = get;
        _set = set;
    }

    public string Name { get; }

    /// <summary>The module currently in the slot: the model's own <c>Linear</c> until something replaces it.</summary>
    public nn.Module<Tensor, Tensor> Module => _get();

    public void Replace(nn.Module<Tensor, Tensor> replacement) => _set(replacement);
}
