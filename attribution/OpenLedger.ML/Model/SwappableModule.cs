using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>Base of the GPT-2 sub-layers whose projections can be replaced after construction.
/// Why not <c>register_module</c>: it refuses a name already taken, and removing then re-adding would move the
/// projection to the end of the module's ordered registry, changing the order of <c>named_parameters()</c> (and so
/// of optimizer state and printed state dicts) merely because an adapter was installed.</summary>
public abstract class SwappableModule : nn.Module<Tensor, Tensor>
{
    protected SwappableModule(string name) : base(name) { }

    /// <summary>Points the registry entry <paramref name="name"/> at <paramref name="replacement"/>, in place.</summary>
    protected void ReplaceRegistered(string name, nn.Module<Tensor, Tensor> replacement)
    {
        if (!_internal_submodules.ContainsKey(name))
            throw new InvalidOperationException($"{GetType().Name} has no sub-module named '{name}'");
        replacement.train(training);
        _internal_submodules[name] = replacement;
    }
}
