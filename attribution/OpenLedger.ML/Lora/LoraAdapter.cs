using OpenLedger.ML.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OpenLedger.ML.Lora;

/// <summary>A LoRA adapter installed on a <see cref="Gpt2Model"/>: one <see cref="LoraLinear"/> per targeted
/// projection, everything else frozen. Its <see cref="State"/> (the A and B matrices by name) is what a fine-tuning
/// job publishes and what OpenLoRA loads next to the shared base.</summary>
public sealed class LoraAdapter
{
    private readonly List<(ProjectionSlot Slot, LoraLinear Layer)> _layers;

    private LoraAdapter(LoraConfig config, List<(ProjectionSlot, LoraLinear)> layers)
    {
        Config = config;
        _layers = layers;
    }

    public LoraConfig Config { get; }

    /// <summary>The adapted layers by module name (<c>h.0.attn.c_attn</c>), in layer order.</summary>
    public IReadOnlyList<(string Name, LoraLinear Layer)> Layers => _layers.Select(l => (l.Slot.Name, l.Layer)).ToList();

    /// <summary>Installs adapters on every projection <paramref name="config"/> targets and freezes every other
    /// parameter of the model. A matrices are drawn from <paramref name="seed"/> in layer order, so the same
    /// (model, config, seed) gives the same starting adapter.</summary>
    public static LoraAdapter Apply(Gpt2Model model, LoraConfig config, long seed)
    {
        config.Validated();
        var slots = model.Projections().Where(s => config.Targets(s.Name)).ToList();
        if (slots.Count == 0)
            throw new ArgumentException($"no projection matches the LoRA targets [{string.Join(", ", config.TargetModules)}]");
        var alreadyAdapted = slots.FirstOrDefault(s => s.Module is not Linear);
        if (alreadyAdapted is not null)
            throw new InvalidOperationException($"{alreadyAdapted.Name} already holds a {alreadyAdapted.Module.GetType().Name}");

        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        var initGenerator = new Generator(unchecked((ulong)seed), torch.CPU);
        var dropoutGenerator = new Generator(unchecked((ulong)seed) ^ 0x9E3779B97F4A7C15UL, torch.CPU);
        var layers = new List<(ProjectionSlot, LoraLinear)>(slots.Count);
        foreach (var slot in slots)
        {
            var layer = new LoraLinear((Linear)slot.Module, config.Rank, config.Alpha, config.Dropout, initGenerator, dropoutGenerator);
            slot.Replace(layer);
            layers.Add((slot, layer));
        }
        return new LoraAdapter(config, layers);
    }

    /// <summary>The trainable parameters (each layer's A then B): what the optimizer is given.</summary>
    public IEnumerable<Parameter> Parameters() => _layers.SelectMany(l => new[] { l.Layer.A, l.Layer.B });

    public long ParameterCount => Parameters().Sum(p => p.numel());

    /// <summary>Per-layer weights for multi-adapter serving, by module name.</summary>
    public IReadOnlyDictionary<string, LoraWeights> Weights() =>
        _layers.ToDictionary(l => l.Slot.Name, l => l.Layer.Weights, StringComparer.Ordinal);

    /// <summary>Detached copies of A and B named <c>{module}.lora_A</c> / <c>{module}.lora_B</c>.</summary>
    public Dictionary<string, Tensor> State()
    {
        using var noGrad = torch.no_grad();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (slot, layer) in _layers)
        {
            state[slot.Name + ".lora_A"] = layer.A.detach().clone();
            state[slot.Name + ".lora_B"] = layer.B.detach().clone();
        }
        return state;
    }

    /// <summary>Copies a saved <see cref="State"/> in. Strict: the names and shapes must be exactly this adapter's.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state)
    {
        var expected = _layers.SelectMany(l => new[] { (l.Slot.Name + ".lora_A", l.Layer.A), (l.Slot.Name + ".lora_B", l.Layer.B) })
            .ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"adapter state does not match: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
        if (_layers.Any(l => l.Layer.IsMerged)) throw new InvalidOperationException("unmerge the adapter before loading new weights");
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in expected)
        {
            var source = state[name];
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{name}: shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", target.shape)}]");
            target.copy_(source);
        }
    }

    /// <summary>Folds every update into its base weight.</summary>
    public void Merge()
    {
        foreach (var (_, layer) in _layers) layer.Merge();
    }

    /// <summary>Takes every update back out of its base weight.</summary>
    public void Unmerge()
    {
        foreach (var (_, layer) in _layers) layer.Unmerge();
    }

    /// <summary>Puts the original projections back (unmerging first) and unfreezes the model: the base is as before.</summary>
    public void Remove(Gpt2Model model)
    {
        Unmerge();
        foreach (var (slot, layer) in _layers) slot.Replace(layer.Base!);
        foreach (var parameter in model.parameters()) parameter.requires_grad = true;
    }
}
