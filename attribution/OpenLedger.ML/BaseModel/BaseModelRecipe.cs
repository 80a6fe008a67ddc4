using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Tokenizer;
using OpenLedger.ML.Training;
using TorchSharp;

namespace OpenLedger.ML.BaseModel;

/// <summary>
/// The built-in base model, reproducible by one call: WordNet 3.0's synsets as text (<see cref="Synset.ToText"/>, one
/// per synset, joined by <c>&lt;|endoftext|&gt;</c>), split train/held-out by a hash of the synset id; a byte-level
/// BPE tokenizer trained on the training text; a small GPT-2 trained on it with <see cref="Trainer"/>. Writes
/// <c>tokenizer.json</c>, <c>model.safetensors</c> (Hugging Face GPT-2 layout) and <c>base-model.json</c>.
/// </summary>
public static class BaseModelRecipe
{
    public const string TokenizerFile = "tokenizer.json";
    public const string WeightsFile = "model.safetensors";
    public const string ManifestFile = "base-model.json";
    public const string CorpusSource = "WordNet 3.0 (Debian wordnet-base, /usr/share/wordnet): glosses and examples of every synset";

    /// <summary>Where the default built-in model is copied beside the application (<see cref="BaseModelCatalog"/>).</summary>
    public static string BuiltinDirectory => BaseModelCatalog.DirectoryOf(BaseModelCatalog.DefaultName);

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs the recipe into <see cref="BaseModelOptions.OutputDirectory"/> and returns its manifest.</summary>
    public static BaseModelManifest Train(BaseModelOptions options, Action<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        if (options.Threads is { } threads) torch.set_num_threads(threads);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(options.OutputDirectory);

        var corpus = WordNetCorpus.Load(options.WordNetDirectory);
        var (train, heldOut) = Split(corpus, options.MaxSynsets, options.HeldOutPerMille);
        cancellationToken.ThrowIfCancellationRequested();

        var tokenizer = BpeTrainer.Train(train.Where((_, i) => i % options.TokenizerSampleEvery == 0).Select(s => s.ToText()),
            options.VocabSize, [BpeTokenizer.EndOfText]);
        var tokenizerPath = Path.Combine(options.OutputDirectory, TokenizerFile);
        tokenizer.Save(tokenizerPath);
        var tokenizerHash = Keccak256.Hash(File.ReadAllBytes(tokenizerPath));
        cancellationToken.ThrowIfCancellationRequested();

        var config = options.Model with { VocabSize = tokenizer.VocabSize };
        var trainStream = Encode(tokenizer, train);
        var trainData = TokenBatches.FromStream(trainStream, config.ContextLength, options.Training.BatchSize, options.Training.Seed, Eot(tokenizer));
        var heldOutData = HeldOutBatches(tokenizer, heldOut, config.ContextLength, options.Training.BatchSize);

        using var model = new Gpt2Model(config, options.Training.Seed);
        var trainer = new Trainer(model, options.Training);
        var result = trainer.Train(trainData, heldOutData, progress, cancellationToken);

        var final = Trainer.Evaluate(model, heldOutData, options.Training.EvalMaxRows);
        var check = Trainer.Evaluate(model, heldOutData, options.CheckRows);
        var weights = Gpt2Checkpoint.ToHuggingFace(model);
        var weightsPath = Path.Combine(options.OutputDirectory, WeightsFile);
        Hash32 weightsHash;
        try { weightsHash = TorchSafeTensors.Save(weightsPath, weights); }
        finally { foreach (var t in weights.Values) t.Dispose(); }

        var manifest = new BaseModelManifest(
            BaseModelManifest.CurrentFormat,
            config,
            new BaseModelManifest.TokenizerInfo(TokenizerFile, tokenizerHash.ToString(), tokenizer.VocabSize),
            new BaseModelManifest.WeightsInfo(WeightsFile, weightsHash.ToString(), new FileInfo(weightsPath).Length, model.ParameterCount,
                "Hugging Face GPT2Model (Conv1D weights [in, out]), float32, lm_head tied to wte"),
            new BaseModelManifest.TrainingInfo(result.Steps, options.Training.Seed, options.Training.BatchSize, options.Training.LearningRate,
                options.Training.WarmupSteps, options.Training.WeightDecay, options.Training.MaxGradientNorm, result.TokensTrained,
                result.LastLoss, torch.get_num_threads(), Math.Round(clock.Elapsed.TotalSeconds, 1)),
            new BaseModelManifest.HeldOutInfo(result.InitialEvalLoss ?? double.NaN, final.Loss, final.Perplexity,
                Math.Min(heldOutData.RowCount, options.Training.EvalMaxRows ?? int.MaxValue), final.Tokens, options.CheckRows, check.Loss),
            new BaseModelManifest.CorpusInfo(CorpusSource,
                "per synset: \"word, word: definition; e.g. \\\"example\\\"; ...\" followed by <|endoftext|>, in WordNet file order (noun, verb, adj, adv)",
                "held out when FNV-1a-64(synset id, e.g. 02084071-n) mod 1000 < heldOutPerMille",
                train.Count + heldOut.Count, train.Count, heldOut.Count, trainStream.Count, options.HeldOutPerMille, options.MaxSynsets,
                options.TokenizerSampleEvery));
        File.WriteAllText(Path.Combine(options.OutputDirectory, ManifestFile), JsonSerializer.Serialize(manifest, Json));
        return manifest;
    }

    /// <summary>The manifest of a recipe's output alone (no weights loaded): what names the base model.</summary>
    public static BaseModelManifest ReadManifest(string directory) =>
        JsonSerializer.Deserialize<BaseModelManifest>(File.ReadAllText(Path.Combine(directory, ManifestFile)), Json)
        ?? throw new InvalidDataException($"{directory}: empty {ManifestFile}");

    /// <summary>Loads a recipe's output, checking both files against the manifest's hashes.</summary>
    public static LoadedBaseModel Load(string directory)
    {
        TorchRuntime.EnsureLoaded();
        var manifest = JsonSerializer.Deserialize<BaseModelManifest>(File.ReadAllText(Path.Combine(directory, ManifestFile)), Json)
                       ?? throw new InvalidDataException($"{directory}: empty {ManifestFile}");
        if (manifest.Format != BaseModelManifest.CurrentFormat)
            throw new InvalidDataException($"{directory}: {ManifestFile} has format '{manifest.Format}', expected '{BaseModelManifest.CurrentFormat}'");
        var tokenizer = LoadTokenizer(directory, manifest);
        if (tokenizer.VocabSize != manifest.Config.VocabSize)
            throw new InvalidDataException(
                $"{directory}: the {tokenizer.Kind} tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary is {manifest.Config.VocabSize}");
        var weightBytes = File.ReadAllBytes(Path.Combine(directory, manifest.Weights.File));
        CheckHash(directory, manifest.Weights.File, weightBytes, manifest.Weights.Keccak);

        var model = new Gpt2Model(manifest.Config, seed: 0);
        var (tensors, _) = TorchSafeTensors.Deserialize(weightBytes);
        try { Gpt2Checkpoint.Load(model, tensors); }
        catch { model.Dispose(); throw; }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        model.eval();
        return new LoadedBaseModel(directory, manifest, tokenizer, model);
    }

    /// <summary>The tokenizer a manifest names, checked against its recorded hash: <c>bpe</c> reads the directory's
    /// <c>tokenizer.json</c>; <c>r50k_base</c> (an imported GPT-2) is GPT-2's vocabulary, shipped with the engine.</summary>
    public static ITextTokenizer LoadTokenizer(string directory, BaseModelManifest manifest)
    {
        switch (manifest.Tokenizer.EffectiveKind)
        {
            case BpeTokenizer.KindName:
            {
                var file = manifest.Tokenizer.File
                           ?? throw new InvalidDataException($"{directory}: {ManifestFile} names a bpe tokenizer but no file");
                var tokenizerBytes = File.ReadAllBytes(Path.Combine(directory, file));
                CheckHash(directory, file, tokenizerBytes, manifest.Tokenizer.Keccak);
                return BpeTokenizer.FromJson(Encoding.UTF8.GetString(tokenizerBytes));
            }
            case R50kTokenizer.KindName:
            {
                var tokenizer = R50kTokenizer.Instance;
                if (!string.Equals(tokenizer.DataKeccak, manifest.Tokenizer.Keccak, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException(
                        $"{directory}: {ManifestFile} records r50k_base vocabulary keccak {manifest.Tokenizer.Keccak} but this engine's is {tokenizer.DataKeccak}");
                return tokenizer;
            }
            default:
                throw new InvalidDataException(
                    $"{directory}: {ManifestFile} names tokenizer kind '{manifest.Tokenizer.Kind}' (known: {BpeTokenizer.KindName}, {R50kTokenizer.KindName})");
        }
    }

    /// <summary>The manifest's corpus split, rebuilt from WordNet: (training synsets, held-out synsets).</summary>
    public static (IReadOnlyList<Synset> Train, IReadOnlyList<Synset> HeldOut) Split(WordNetCorpus corpus, int? maxSynsets, int heldOutPerMille)
    {
        var train = new List<Synset>();
        var heldOut = new List<Synset>();
        foreach (var synset in corpus.Synsets.Take(maxSynsets ?? int.MaxValue))
            (IsHeldOut(synset, heldOutPerMille) ? heldOut : train).Add(synset);
        return (train, heldOut);
    }

    /// <summary>Held-out synsets as evaluation rows, in corpus order.</summary>
    public static TokenBatches HeldOutBatches(ITextTokenizer tokenizer, IReadOnlyList<Synset> heldOut, int contextLength, int batchSize) =>
        TokenBatches.FromStream(Encode(tokenizer, heldOut), contextLength, batchSize, seed: 0, Eot(tokenizer));

    public static bool IsHeldOut(Synset synset, int perMille)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(synset.Id)) hash = (hash ^ b) * 0x100000001B3UL;
        return (int)(hash % 1000) < perMille;
    }

    private static List<int> Encode(ITextTokenizer tokenizer, IEnumerable<Synset> synsets)
    {
        var eot = Eot(tokenizer);
        var stream = new List<int>();
        foreach (var synset in synsets)
        {
            stream.AddRange(tokenizer.Encode(synset.ToText()));
            stream.Add(eot);
        }
        return stream;
    }

    private static int Eot(ITextTokenizer tokenizer) => tokenizer.EndOfTextId;

    private static void CheckHash(string directory, string file, byte[] bytes, string recorded)
    {
        var actual = Keccak256.Hash(bytes).ToString();
        if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{Path.Combine(directory, file)} has keccak {actual} but {ManifestFile} records {recorded}");
    }
}
