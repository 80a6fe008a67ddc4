using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>Maps between <see cref="Gpt2Model"/>'s state and a Hugging Face GPT-2 checkpoint (for example
/// <c>model.safetensors</c> of <c>openai-community/gpt2</c>, read with <c>SafeTensorsFile</c>).
/// The names are the same; the differences are that Hugging Face stores the four projections as Conv1D weights
/// [in, out] where this model has <c>nn.Linear</c> [out, in], that <c>GPT2LMHeadModel</c> prefixes
/// <c>transformer.</c> and repeats the tied head as <c>lm_head.weight</c>, and that older checkpoints carry the causal
/// mask as buffers (<c>attn.bias</c>, <c>attn.masked_bias</c>).</summary>
public static class Gpt2Checkpoint
{
    private const string LmHeadPrefix = "transformer.";

    /// <summary>True for the projections Hugging Face stores transposed (Conv1D).</summary>
    public static bool IsConv1DWeight(string name) =>
        name.EndsWith(".attn.c_attn.weight", StringComparison.Ordinal)
        || name.EndsWith(".attn.c_proj.weight", StringComparison.Ordinal)
        || name.EndsWith(".mlp.c_fc.weight", StringComparison.Ordinal)
        || name.EndsWith(".mlp.c_proj.weight", StringComparison.Ordinal);

    /// <summary>Copies a Hugging Face GPT-2 state dict into <paramref name="model"/>: every base parameter must be
    /// present with the right shape (after transposing Conv1D weights) and nothing else may be, so a checkpoint for
    /// a different shape fails here, loudly, instead of loading half. LoRA parameters, if installed, are left as they
    /// are.</summary>
    public static void Load(Gpt2Model model, IReadOnlyDictionary<string, Tensor> huggingFace)
    {
        var incoming = FromHuggingFace(huggingFace);
        var targets = BaseParameters(model).ToDictionary(p => p.Name, p => p.Parameter);
        var missing = targets.Keys.Where(k => !incoming.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = incoming.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"GPT-2 checkpoint does not match the model ({model.Config}): missing [{string.Join(", ", missing)}], " +
                $"unexpected [{string.Join(", ", unexpected)}]");
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in targets)
        {
            var source = incoming[name];
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"{name}: checkpoint shape [{string.Join(", ", source.shape)}] but model shape [{string.Join(", ", target.shape)}]");
            target.copy_(source);
        }
    }

    /// <summary>This model's names and layouts for a Hugging Face state dict (views, not copies, where possible).</summary>
    public static Dictionary<string, Tensor> FromHuggingFace(IReadOnlyDictionary<string, Tensor> huggingFace)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in huggingFace)
        {
            var name = key.StartsWith(LmHeadPrefix, StringComparison.Ordinal) ? key[LmHeadPrefix.Length..] : key;
            if (name == "lm_head.weight"
                || name.EndsWith(".attn.bias", StringComparison.Ordinal)
                || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
                continue; // the tied head and the causal-mask buffers: this model computes both
            result[name] = IsConv1DWeight(name) ? tensor.t() : tensor;
        }
        return result;
    }

    /// <summary>The model's base weights in Hugging Face's <c>GPT2Model</c> layout (Conv1D weights transposed,
    /// contiguous copies), ready to write as a checkpoint another GPT-2 implementation can read.</summary>
    public static Dictionary<string, Tensor> ToHuggingFace(Gpt2Model model)
    {
        using var noGrad = torch.no_grad();
        return BaseParameters(model).ToDictionary(
            p => p.Name,
            p => IsConv1DWeight(p.Name) ? p.Parameter.detach().t().contiguous() : p.Parameter.detach().clone(),
            StringComparer.Ordinal);
    }

    private static IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> BaseParameters(Gpt2Model model) =>
        model.named_parameters().Where(p => !p.name.Contains(".lora_", StringComparison.Ordinal));
}
