using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Serving;
using static TorchSharp.torch;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>
/// The attributor's model with one adapter installed as trainable LoRA layers (what <see cref="LoraGradients"/> takes
/// gradients through), exactly as Model Factory had it when it built the index: <see cref="LoraAdapter.Apply"/> on the
/// adapter's projections with its rank and alpha, then the artifact's A and B copied in. Switching to an adapter of
/// the same shape only copies weights; another shape takes the layers out and installs new ones.
/// </summary>
internal sealed class AdapterSlot(Gpt2Model model)
{
    private LoraAdapter? _installed;

    /// <summary>The artifact hash whose weights are in <see cref="Adapter"/> now (null: none, or a failed load).</summary>
    public Hash32? Loaded { get; private set; }

    public LoraAdapter Adapter => _installed ?? throw new InvalidOperationException("no adapter is installed");

    /// <summary>The LoRA shape of an artifact: one rank for all its layers (what <see cref="LoraAdapter.Apply"/>
    /// installs), its alpha, and its projections by full module name (which <see cref="LoraConfig.Targets"/> matches exactly).</summary>
    public static LoraConfig ConfigOf(ServedAdapter adapter)
    {
        var ranks = adapter.Layers.Values.Select(w => w.A.shape[0]).Distinct().ToList();
        if (ranks.Count != 1) throw new InvalidDataException($"adapter {adapter.Id}: layers of ranks [{string.Join(", ", ranks)}]; attribution takes one rank");
        return new LoraConfig((int)ranks[0], adapter.Alpha, [.. adapter.Layers.Keys.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Installs <paramref name="adapter"/>'s weights. Throws <see cref="InvalidDataException"/> or
    /// <see cref="ArgumentException"/> when they do not fit the model; the slot then holds no loaded adapter.</summary>
    public void Load(ServedAdapter adapter)
    {
        if (Loaded == adapter.Id) return;
        Loaded = null;
        var config = ConfigOf(adapter);
        if (_installed is null || !SameShape(_installed.Config, config))
        {
            _installed?.Remove(model);
            _installed = null;
            // The seed only draws the starting A, which the artifact's weights replace at once.
            _installed = LoraAdapter.Apply(model, config, seed: 0);
        }
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, weights) in adapter.Layers)
        {
            state[name + ".lora_A"] = weights.A;
            state[name + ".lora_B"] = weights.B;
        }
        _installed.Load(state);
        Loaded = adapter.Id;
    }

    private static bool SameShape(LoraConfig a, LoraConfig b) =>
        a.Rank == b.Rank && a.Alpha.Equals(b.Alpha) && a.TargetModules.SequenceEqual(b.TargetModules, StringComparer.Ordinal);
}
