using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Tokenizer;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.BaseModel;

/// <summary>
/// Turns a user-supplied Hugging Face GPT-2 checkpoint (a directory with <c>config.json</c> and
/// <c>model.safetensors</c>, as <c>GPT2Model</c> or <c>GPT2LMHeadModel</c> save them, e.g. <c>openai-community/gpt2</c>)
/// into a base-model directory that <see cref="BaseModelRecipe.Load"/>, Model Factory and OpenLoRA use exactly like the
/// built-in model: <c>model.safetensors</c> rewritten canonically (float32, GPT2Model names, no tied head or mask
/// buffers) and <c>base-model.json</c> with the config, the weights' hash and the tokenizer kind
/// <see cref="R50kTokenizer.KindName"/> (GPT-2's own tokenizer, shipped with the engine). Every tensor is checked
/// by loading it into a <see cref="Gpt2Model"/> of the config's shape; anything missing, extra, misshaped or
/// unsupported is refused with an <see cref="InvalidDataException"/> that says what.
/// </summary>
public static class Gpt2Import
{
    public const string ConfigFile = "config.json";
    public const string SourceWeightsFile = "model.safetensors";
    public const string Source = "Hugging Face GPT-2 (config.json + model.safetensors)";

    /// <summary>The shape a Hugging Face <c>config.json</c> describes, refused if it is no GPT-2 this engine runs
    /// (another architecture, another activation, cross-attention, a non-standard MLP width, a vocabulary that is
    /// not GPT-2's tokenizer's).</summary>
    public static Gpt2Config ReadConfig(string configJson, string where = ConfigFile)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(configJson); }
        catch (JsonException e) { throw new InvalidDataException($"{where} is not JSON: {e.Message}", e); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where} is not a JSON object");
            if (root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "gpt2")
                throw new InvalidDataException($"{where}: model_type '{type.GetString()}' is not gpt2");
            var activation = OptionalString(root, "activation_function") ?? "gelu_new";
            if (activation is not ("gelu_new" or "gelu_pytorch_tanh"))
                throw new InvalidDataException($"{where}: activation_function '{activation}' is not GPT-2's gelu_new (tanh approximation)");
            if (OptionalBool(root, "add_cross_attention") == true)
                throw new InvalidDataException($"{where}: add_cross_attention is set; only a decoder-only GPT-2 can be imported");
            if (OptionalBool(root, "scale_attn_by_inverse_layer_idx") == true)
                throw new InvalidDataException($"{where}: scale_attn_by_inverse_layer_idx is set; this engine's attention does not scale by layer");
            if (OptionalBool(root, "scale_attn_weights") == false)
                throw new InvalidDataException($"{where}: scale_attn_weights is false; this engine's attention always scales by 1/sqrt(head dim)");

            var vocab = RequiredInt(root, "vocab_size", where);
            var dim = RequiredInt(root, "n_embd", where);
            var layers = RequiredInt(root, "n_layer", where);
            var heads = RequiredInt(root, "n_head", where);
            var positions = root.TryGetProperty("n_positions", out _) ? RequiredInt(root, "n_positions", where) : RequiredInt(root, "n_ctx", where);
            var epsilon = OptionalDouble(root, "layer_norm_epsilon") ?? 1e-5;
            var dropout = OptionalDouble(root, "resid_pdrop") ?? 0.1;
            if (root.TryGetProperty("n_inner", out var inner) && inner.ValueKind == JsonValueKind.Number && inner.GetInt32() != 4 * dim)
                throw new InvalidDataException($"{where}: n_inner {inner.GetInt32()} is not 4 x n_embd ({4 * dim}), the MLP width this engine builds");
            if (vocab != R50kTokenizer.Vocabulary)
                throw new InvalidDataException(
                    $"{where}: vocab_size {vocab} does not match GPT-2's tokenizer (r50k_base, {R50kTokenizer.Vocabulary} tokens)");
            if (dim <= 0 || layers <= 0 || heads <= 0 || positions <= 0 || dim % heads != 0)
                throw new InvalidDataException($"{where}: n_embd {dim}, n_layer {layers}, n_head {heads}, n_positions {positions} is no valid GPT-2 shape");
            if (!(epsilon > 0)) throw new InvalidDataException($"{where}: layer_norm_epsilon {epsilon} must be positive");
            if (dropout is < 0 or >= 1) throw new InvalidDataException($"{where}: resid_pdrop {dropout} must be in [0, 1)");
            return new Gpt2Config(vocab, positions, dim, layers, heads, dropout, epsilon);
        }
    }

    /// <summary>Imports <paramref name="fromDirectory"/> (config.json + model.safetensors) into
    /// <paramref name="outDirectory"/> (created if need be) and returns the written manifest.</summary>
    public static BaseModelManifest Import(string fromDirectory, string outDirectory)
    {
        TorchRuntime.EnsureLoaded();
        var configPath = Path.Combine(fromDirectory, ConfigFile);
        var weightsPath = Path.Combine(fromDirectory, SourceWeightsFile);
        if (!File.Exists(configPath)) throw new InvalidDataException($"{fromDirectory}: no {ConfigFile} (a Hugging Face GPT-2 directory has one)");
        if (!File.Exists(weightsPath))
            throw new InvalidDataException($"{fromDirectory}: no {SourceWeightsFile} (only safetensors checkpoints are imported, not pytorch_model.bin)");
        if (Path.GetFullPath(fromDirectory).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(outDirectory).TrimEnd(Path.DirectorySeparatorChar))
            throw new ArgumentException("--out must differ from --from (the import rewrites model.safetensors)");

        var configBytes = File.ReadAllBytes(configPath);
        var config = ReadConfig(System.Text.Encoding.UTF8.GetString(configBytes), configPath);
        var tokenizer = R50kTokenizer.Instance;
        var sourceBytes = File.ReadAllBytes(weightsPath);

        Dictionary<string, Tensor> tensors;
        try { tensors = TorchSafeTensors.Deserialize(sourceBytes).Tensors; }
        catch (Exception e) when (e is not InvalidDataException) { throw new InvalidDataException($"{weightsPath}: not a readable safetensors file: {e.Message}", e); }

        using var model = new Gpt2Model(config, seed: 0);
        string sourceType;
        try
        {
            var floats = tensors.Where(t => !IsMaskBuffer(t.Key)).Select(t => t.Value.dtype).Distinct().ToList();
            if (floats.Any(t => t is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64)))
                throw new InvalidDataException($"{weightsPath}: weights must be floating point, found {string.Join(", ", floats)}");
            sourceType = string.Join("+", floats.Select(t => t.ToString()).Order(StringComparer.Ordinal));
            CheckTiedHead(tensors, weightsPath);
            try { Gpt2Checkpoint.Load(model, tensors); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{weightsPath}: {e.Message}", e); }
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        model.eval();

        Directory.CreateDirectory(outDirectory);
        var outWeights = Path.Combine(outDirectory, BaseModelRecipe.WeightsFile);
        var weights = Gpt2Checkpoint.ToHuggingFace(model);
        Hash32 weightsHash;
        try { weightsHash = TorchSafeTensors.Save(outWeights, weights); }
        finally { foreach (var t in weights.Values) t.Dispose(); }

        var manifest = new BaseModelManifest(
            BaseModelManifest.CurrentFormat,
            config,
            new BaseModelManifest.TokenizerInfo(null, tokenizer.DataKeccak, tokenizer.VocabSize, R50kTokenizer.KindName),
            new BaseModelManifest.WeightsInfo(BaseModelRecipe.WeightsFile, weightsHash.ToString(), new FileInfo(outWeights).Length, model.ParameterCount,
                "Hugging Face GPT2Model (Conv1D weights [in, out]), float32, lm_head tied to wte"),
            new BaseModelManifest.TrainingInfo(0, 0, 0, 0, 0, 0, 0, 0, double.NaN, 0, 0),
            new BaseModelManifest.HeldOutInfo(double.NaN, double.NaN, double.NaN, 0, 0, 0, double.NaN),
            new BaseModelManifest.CorpusInfo("imported: trained elsewhere (see imported)", "", "", 0, 0, 0, 0, 0, null, 0),
            new BaseModelManifest.ImportInfo(Source, new DirectoryInfo(fromDirectory).Name, SafeTensorsFile.Hash(sourceBytes).ToString(),
                Keccak256.Hash(configBytes).ToString(), sourceType));
        File.WriteAllText(Path.Combine(outDirectory, BaseModelRecipe.ManifestFile), JsonSerializer.Serialize(manifest, BaseModelRecipe.Json));
        return manifest;
    }

    /// <summary>GPT2LMHeadModel saves the head it ties to <c>wte</c> (or leaves it out); a head that differs is a model
    /// this engine (whose head is always <c>wte</c>) would silently change, so it is refused.</summary>
    private static void CheckTiedHead(IReadOnlyDictionary<string, Tensor> tensors, string where)
    {
        if (!tensors.TryGetValue("lm_head.weight", out var head)) return;
        var wte = tensors.GetValueOrDefault("transformer.wte.weight") ?? tensors.GetValueOrDefault("wte.weight");
        if (wte is null) return; // reported as missing by the load
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        if (!head.shape.SequenceEqual(wte.shape) || !head.to(ScalarType.Float32).allclose(wte.to(ScalarType.Float32), rtol: 0, atol: 0))
            throw new InvalidDataException($"{where}: lm_head.weight is not tied to wte.weight (GPT-2 ties them; an untied head cannot be imported)");
    }

    private static bool IsMaskBuffer(string name) =>
        name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    private static int RequiredInt(JsonElement root, string name, string where)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var result))
            throw new InvalidDataException($"{where}: missing or non-integer '{name}'");
        return result;
    }

    private static double? OptionalDouble(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? OptionalBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
