using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Serving;
using OpenLedger.ML.Tokenizer;
using TorchSharp;
using static TorchSharp.torch;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML;

/// <summary>Real GPT-2 checkpoints as base models: GPT-2's tokenizer (r50k_base, offline), the Hugging Face import
/// (a tiny random GPT-2 with GPT-2's vocabulary saved the way <c>GPT2LMHeadModel.save_pretrained</c> does), loading,
/// fine-tuning and serving over it, and the refusals.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class Gpt2ImportTests : IDisposable
{
    private static readonly Gpt2Config Shape = new(VocabSize: 50257, ContextLength: 48, ModelDim: 32, Layers: 2, Heads: 2, Dropout: 0.1,
        LayerNormEpsilon: 1e-5);
    private const long SourceSeed = 7;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-gpt2-import-" + Guid.NewGuid().ToString("N"));
    private readonly IDisposable _singleThreaded;

    public Gpt2ImportTests()
    {
        TorchRuntime.EnsureLoaded();
        _singleThreaded = TorchDeterminism.SingleThreaded();
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        _singleThreaded.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // ---- GPT-2's tokenizer ----

    [Fact]
    public void R50k_gives_gpt2s_ids_offline()
    {
        var tokenizer = R50kTokenizer.Instance;
        Assert.Equal(R50kTokenizer.KindName, tokenizer.Kind);
        Assert.Equal(50257, tokenizer.VocabSize);
        Assert.Equal(50256, tokenizer.EndOfTextId);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
        Assert.Equal([262], tokenizer.Encode(" the"));
        Assert.Equal([464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13], tokenizer.Encode("The quick brown fox jumps over the lazy dog."));
        Assert.Empty(tokenizer.Encode(""));
        Assert.Equal("<|endoftext|>", tokenizer.Decode([50256]));
        Assert.StartsWith("0x", tokenizer.DataKeccak);
    }

    [Theory]
    [InlineData("Hello world")]
    [InlineData("dog, domestic dog: a member of the genus Canis\ncategory: noun.animal")]
    [InlineData("naïve café — 日本語 🙂  two  spaces\ttab\n\nlines")]
    [InlineData("it's, they'll, we've: 3.14159 and 1,000,000")]
    public void R50k_round_trips_text(string text)
    {
        var tokenizer = R50kTokenizer.Instance;
        var ids = tokenizer.Encode(text);
        Assert.All(ids, id => Assert.InRange(id, 0, 50255));
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Special_token_text_in_data_is_ordinary_text()
    {
        // A contributor's "<|endoftext|>" must not end a document early: it encodes as "<|", "endoftext", "|>".
        var tokenizer = R50kTokenizer.Instance;
        var ids = tokenizer.Encode("a<|endoftext|>b");
        Assert.DoesNotContain(50256, ids);
        Assert.Equal("a<|endoftext|>b", tokenizer.Decode(ids));
        Assert.Equal([.. tokenizer.Encode("Hello"), 50256], TaskPrompt.Answer(TaskKind.Text, tokenizer, "Hello"));
    }

    [Fact]
    public void The_builtin_manifest_still_names_the_bpe_tokenizer()
    {
        var manifest = BaseModelRecipe.ReadManifest(TestBaseModel.Directory);
        Assert.Null(manifest.Tokenizer.Kind);
        Assert.Equal(BpeTokenizer.KindName, manifest.Tokenizer.EffectiveKind);
        Assert.Null(manifest.Imported);
        Assert.StartsWith("builtin:0x", FineTuneRun.BaseModelName(manifest));
        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        var bpe = Assert.IsType<BpeTokenizer>(loaded.Tokenizer);
        Assert.Equal(bpe.SpecialTokenId(BpeTokenizer.EndOfText), loaded.Tokenizer.EndOfTextId);
        Assert.Equal(bpe.Encode("a dog"), loaded.Tokenizer.Encode("a dog"));
    }

    // ---- the import ----

    /// <summary>Writes a random GPT-2 of <paramref name="shape"/> as Hugging Face saves GPT2LMHeadModel: Conv1D weights,
    /// "transformer." prefix, the tied lm_head and the old causal-mask buffers; returns the source model.</summary>
    private static Gpt2Model WriteHuggingFace(string directory, Gpt2Config shape, Action<Dictionary<string, Tensor>>? tamper = null,
        Action<JsonObject>? tamperConfig = null, bool prefix = true)
    {
        Directory.CreateDirectory(directory);
        var model = new Gpt2Model(shape, SourceSeed);
        model.eval();
        var state = Gpt2Checkpoint.ToHuggingFace(model).ToDictionary(kv => (prefix ? "transformer." : "") + kv.Key, kv => kv.Value);
        if (prefix)
        {
            state["lm_head.weight"] = state["transformer.wte.weight"].clone();
            for (var i = 0; i < shape.Layers; i++)
                state[$"transformer.h.{i}.attn.bias"] = torch.ones(shape.ContextLength, shape.ContextLength).tril().view(1, 1, shape.ContextLength, shape.ContextLength);
        }
        tamper?.Invoke(state);
        TorchSafeTensors.Save(Path.Combine(directory, Gpt2Import.SourceWeightsFile), state, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var t in state.Values) t.Dispose();
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("GPT2LMHeadModel"), ["model_type"] = "gpt2", ["activation_function"] = "gelu_new",
            ["vocab_size"] = shape.VocabSize, ["n_positions"] = shape.ContextLength, ["n_ctx"] = shape.ContextLength, ["n_embd"] = shape.ModelDim,
            ["n_layer"] = shape.Layers, ["n_head"] = shape.Heads, ["n_inner"] = null, ["layer_norm_epsilon"] = shape.LayerNormEpsilon,
            ["resid_pdrop"] = shape.Dropout, ["embd_pdrop"] = shape.Dropout, ["attn_pdrop"] = shape.Dropout,
            ["bos_token_id"] = 50256, ["eos_token_id"] = 50256, ["scale_attn_weights"] = true,
        };
        tamperConfig?.Invoke(config);
        File.WriteAllText(Path.Combine(directory, Gpt2Import.ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return model;
    }

    [Fact]
    public void An_imported_checkpoint_loads_with_the_source_models_logits()
    {
        var hf = Path.Combine(_dir, "hf");
        var output = Path.Combine(_dir, "base");
        using var source = WriteHuggingFace(hf, Shape);
        var manifest = Gpt2Import.Import(hf, output);

        Assert.Equal(Shape, manifest.Config);
        Assert.Equal(R50kTokenizer.KindName, manifest.Tokenizer.Kind);
        Assert.Null(manifest.Tokenizer.File);
        Assert.Equal(R50kTokenizer.Instance.DataKeccak, manifest.Tokenizer.Keccak);
        Assert.Equal(source.ParameterCount, manifest.Weights.Parameters);
        Assert.Equal(Keccak256.Hash(File.ReadAllBytes(Path.Combine(output, BaseModelRecipe.WeightsFile))).ToString(), manifest.Weights.Keccak);
        Assert.NotNull(manifest.Imported);
        Assert.Equal("Float32", manifest.Imported.SourceDType);
        Assert.Equal(Keccak256.Hash(File.ReadAllBytes(Path.Combine(hf, Gpt2Import.SourceWeightsFile))).ToString(), manifest.Imported.WeightsKeccak);
        Assert.StartsWith("gpt2:0x", FineTuneRun.BaseModelName(manifest));
        Assert.False(File.Exists(Path.Combine(output, BaseModelRecipe.TokenizerFile)));

        // The written manifest reads back equal (NaN sections included), and the canonical weights are GPT2Model's names.
        var read = BaseModelRecipe.ReadManifest(output);
        var json = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        Assert.Equal(JsonSerializer.Serialize(manifest, json), JsonSerializer.Serialize(read, json));
        var (written, _) = TorchSafeTensors.Load(Path.Combine(output, BaseModelRecipe.WeightsFile));
        Assert.Contains("wte.weight", written.Keys);
        Assert.DoesNotContain(written.Keys, k => k.StartsWith("transformer.", StringComparison.Ordinal) || k.StartsWith("lm_head", StringComparison.Ordinal));
        foreach (var t in written.Values) t.Dispose();

        using var loaded = BaseModelRecipe.Load(output);
        Assert.Same(R50kTokenizer.Instance, loaded.Tokenizer);
        using var noGrad = torch.no_grad();
        var ids = loaded.Tokenizer.Encode("The quick brown fox jumps over the lazy dog.").Select(i => (long)i).ToArray();
        using var tokens = torch.tensor(ids, [1, ids.Length]);
        using var expected = source.call(tokens);
        using var actual = loaded.Model.call(tokens);
        Assert.Equal([1L, ids.Length, 50257], actual.shape);
        Assert.True(expected.equal(actual).all().item<bool>(), "imported logits differ from the source model's");

        // Importing again gives the same bytes (canonical output), and the checkpoint without the prefix the same model.
        var again = Gpt2Import.Import(hf, Path.Combine(_dir, "base2"));
        Assert.Equal(manifest.Weights.Keccak, again.Weights.Keccak);
        var bare = Path.Combine(_dir, "hf-bare");
        WriteHuggingFace(bare, Shape, prefix: false).Dispose();
        Assert.Equal(manifest.Weights.Keccak, Gpt2Import.Import(bare, Path.Combine(_dir, "base3")).Weights.Keccak);
    }

    [Fact]
    public void Half_precision_checkpoints_are_imported_as_float32()
    {
        var hf = Path.Combine(_dir, "hf16");
        WriteHuggingFace(hf, Shape, state =>
        {
            foreach (var key in state.Keys.Where(k => !k.EndsWith(".attn.bias", StringComparison.Ordinal)).ToList())
            {
                var half = state[key].to(ScalarType.Float16);
                state[key].Dispose();
                state[key] = half;
            }
        }).Dispose();
        var manifest = Gpt2Import.Import(hf, Path.Combine(_dir, "base16"));
        Assert.Equal("Float16", manifest.Imported?.SourceDType);
        using var loaded = BaseModelRecipe.Load(Path.Combine(_dir, "base16"));
        Assert.Equal(ScalarType.Float32, loaded.Model.TokenEmbedding.dtype);
    }

    private static readonly (string Label, string[] Texts)[] Glosses =
    [
        ("animal", ["dog: a member of the genus Canis", "cat: a small domesticated feline", "horse: a hoofed herbivorous quadruped",
            "eagle: a large bird of prey", "whale: a very large marine mammal", "frog: a tailless amphibian"]),
        ("artifact", ["hammer: a hand tool with a heavy head", "chair: a seat for one person", "knife: an edge tool used for cutting",
            "cup: a small open container", "lamp: a source of visible light", "clock: a timepiece that shows the time"]),
    ];

    private static FineTuneDataset Dataset()
    {
        var examples = Glosses.SelectMany(g => g.Texts.Select(t => new TaskExample(t, g.Label)))
            .Select(e => new DatasetExample(Keccak256.Hash(TaskExampleFormat.Format(TaskKind.TextLabel, e)), e)).ToList();
        return new FineTuneDataset(Keccak256.Hash("datanet"u8), Keccak256.Hash("version"u8), 1, Keccak256.Hash("root"u8), TaskKind.TextLabel, examples, []);
    }

    [Fact]
    public async Task Model_factory_trains_over_an_import_and_openlora_serves_the_adapter()
    {
        var hf = Path.Combine(_dir, "hf");
        var output = Path.Combine(_dir, "base");
        WriteHuggingFace(hf, Shape).Dispose();
        var manifest = Gpt2Import.Import(hf, output);

        var spec = new FineTuneSpec { Rank = 4, Alpha = 8, Steps = 3, BatchSize = 4, LearningRate = 1e-2, Seed = 3 };
        var result = FineTuneRun.Run(output, Dataset(), spec, checkpointDirectory: null);
        Assert.Equal(3, result.Training.Steps);
        Assert.True(double.IsFinite(result.Record.Training.FinalTrainLoss));
        Assert.Equal(FineTuneRun.BaseModelName(manifest), result.Record.BaseModel.Name);
        Assert.Equal(manifest.Weights.Keccak, result.Record.BaseModel.WeightsKeccak);
        Assert.Equal(R50kTokenizer.Instance.DataKeccak, result.Record.BaseModel.TokenizerKeccak);
        Assert.Equal(result.AdapterHash, FineTuneRun.Run(output, Dataset(), spec, null).AdapterHash);   // reproducible

        // OpenLoRA: the base from the directory, the artifact from "the content store", prompted as it was trained.
        using var loaded = BaseModelRecipe.Load(output);
        using var serving = new MultiAdapterModel(loaded.Model);
        using var cache = new AdapterCache(1 << 24, (id, _) =>
            id == result.AdapterHash ? Task.FromResult(result.Adapter) : throw new KeyNotFoundException(id.ToString()));
        var tokenizer = loaded.Tokenizer;
        var prompt = TaskPrompt.FitPrompt(TaskPrompt.Prompt(TaskKind.TextLabel, tokenizer, "owl: a nocturnal bird of prey"), 6, Shape.ContextLength);
        GenerationResult served;
        await using (var engine = new LoraServingEngine(serving, cache, new ServingOptions(4, ServingMode.Heterogeneous, tokenizer.EndOfTextId)))
            served = await engine.GenerateAsync(new GenerationRequest(result.AdapterHash, prompt.Select(t => (long)t).ToList(), 6));
        Assert.InRange(served.Tokens.Count, 1, 6);
        Assert.All(served.Tokens, t => Assert.InRange(t, 0, 50256));
        _ = TaskPrompt.DecodeAnswer(tokenizer, served.Tokens, TaskKind.TextLabel);

        // The reference: a fresh copy of the base with the adapter's weights installed and merged, greedy.
        using var reference = BaseModelRecipe.Load(output);
        var adapter = LoraAdapter.Apply(reference.Model, spec.Lora, seed: 0);
        var (state, _) = TorchSafeTensors.Deserialize(result.Adapter);
        adapter.Load(state);
        foreach (var t in state.Values) t.Dispose();
        reference.Model.eval();
        adapter.Merge();
        var expected = ServingTestAdapter.Greedy(reference.Model, prompt.Select(t => (long)t).ToList(), 6);
        var eot = tokenizer.EndOfTextId;
        var cut = expected.IndexOf(eot);
        Assert.Equal(cut < 0 ? expected : expected[..(cut + 1)], served.Tokens);
    }

    // ---- refusals ----

    private InvalidDataException Refused(Action<Dictionary<string, Tensor>>? tamper = null, Action<JsonObject>? tamperConfig = null, Gpt2Config? shape = null)
    {
        var hf = Path.Combine(_dir, "bad-" + Guid.NewGuid().ToString("N"));
        WriteHuggingFace(hf, shape ?? Shape, tamper, tamperConfig).Dispose();
        var e = Assert.Throws<InvalidDataException>(() => Gpt2Import.Import(hf, Path.Combine(_dir, "out-" + Guid.NewGuid().ToString("N"))));
        return e;
    }

    [Fact]
    public void A_missing_tensor_is_refused_by_name()
    {
        var e = Refused(state => { state["transformer.h.1.mlp.c_fc.weight"].Dispose(); state.Remove("transformer.h.1.mlp.c_fc.weight"); });
        Assert.Contains("missing [h.1.mlp.c_fc.weight]", e.Message);
    }

    [Fact]
    public void An_extra_tensor_is_refused_by_name()
    {
        var e = Refused(state => state["transformer.h.2.ln_1.weight"] = torch.ones(32));
        Assert.Contains("unexpected [h.2.ln_1.weight]", e.Message);
    }

    [Fact]
    public void A_misshaped_tensor_is_refused_with_both_shapes()
    {
        var e = Refused(state => { state["transformer.wpe.weight"].Dispose(); state["transformer.wpe.weight"] = torch.zeros(40, 32); });
        Assert.Contains("wpe.weight", e.Message);
        Assert.Contains("[40, 32]", e.Message);
        Assert.Contains("[48, 32]", e.Message);
    }

    [Fact]
    public void An_untied_head_is_refused()
    {
        var e = Refused(state => { state["lm_head.weight"].Dispose(); state["lm_head.weight"] = torch.zeros(50257, 32); });
        Assert.Contains("not tied", e.Message);
    }

    [Fact]
    public void A_vocabulary_other_than_gpt2s_tokenizer_is_refused()
    {
        var e = Refused(shape: Shape with { VocabSize = 1000 });
        Assert.Contains("vocab_size 1000", e.Message);
        Assert.Contains("r50k_base", e.Message);
    }

    [Theory]
    [InlineData("activation_function", "relu", "activation_function")]
    [InlineData("model_type", "llama", "model_type")]
    [InlineData("n_inner", 64, "n_inner")]
    [InlineData("n_head", 3, "n_head")]
    [InlineData("n_embd", "wide", "n_embd")]
    public void An_unsupported_config_is_refused(string key, object value, string mentions)
    {
        var e = Refused(tamperConfig: c => c[key] = value switch { string text => JsonValue.Create(text), int number => JsonValue.Create(number), _ => throw new ArgumentException() });
        Assert.Contains(mentions, e.Message);
    }

    [Fact]
    public void A_directory_without_the_files_is_refused()
    {
        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        Assert.Contains("config.json", Assert.Throws<InvalidDataException>(() => Gpt2Import.Import(empty, Path.Combine(_dir, "o1"))).Message);
        File.WriteAllText(Path.Combine(empty, "config.json"), "{}");
        Assert.Contains("model.safetensors", Assert.Throws<InvalidDataException>(() => Gpt2Import.Import(empty, Path.Combine(_dir, "o2"))).Message);
        File.WriteAllText(Path.Combine(empty, "model.safetensors"), "not safetensors");
        Assert.Contains("vocab_size", Assert.Throws<InvalidDataException>(() => Gpt2Import.Import(empty, Path.Combine(_dir, "o3"))).Message);
    }

    [Fact]
    public void A_manifest_naming_another_tokenizer_or_vocabulary_is_refused_on_load()
    {
        var hf = Path.Combine(_dir, "hf");
        var output = Path.Combine(_dir, "base");
        WriteHuggingFace(hf, Shape).Dispose();
        Gpt2Import.Import(hf, output);
        var path = Path.Combine(output, BaseModelRecipe.ManifestFile);
        var original = File.ReadAllText(path);

        File.WriteAllText(path, original.Replace("\"kind\": \"r50k_base\"", "\"kind\": \"sentencepiece\""));
        Assert.Contains("sentencepiece", Assert.Throws<InvalidDataException>(() => BaseModelRecipe.Load(output)).Message);

        File.WriteAllText(path, original.Replace(R50kTokenizer.Instance.DataKeccak, "0x" + new string('0', 64)));
        Assert.Contains("r50k_base vocabulary keccak", Assert.Throws<InvalidDataException>(() => BaseModelRecipe.Load(output)).Message);
    }
}
