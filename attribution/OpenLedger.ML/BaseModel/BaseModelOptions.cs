using OpenLedger.ML.Corpus;
using OpenLedger.ML.Model;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.BaseModel;

/// <summary>The recipe's knobs. <see cref="Recipes"/> names every built-in model's recipe (<see cref="Default"/> is the
/// newest, <see cref="WordNet1M"/> the first); <see cref="Tiny"/> a seconds-long version of the same pipeline for tests.</summary>
public sealed record BaseModelOptions
{
    public string WordNetDirectory { get; init; } = WordNetCorpus.DefaultDirectory;
    public required string OutputDirectory { get; init; }
    /// <summary>Use only every synset whose index is below this (null: all): the tiny recipe's corpus.</summary>
    public int? MaxSynsets { get; init; }
    /// <summary>Held-out synsets per thousand, chosen by a hash of the synset id.</summary>
    public int HeldOutPerMille { get; init; } = 10;
    public int VocabSize { get; init; } = 2048;
    /// <summary>Train the tokenizer on every k-th training text (BPE counts converge long before the full corpus).</summary>
    public int TokenizerSampleEvery { get; init; } = 4;
    public Gpt2Config Model { get; init; } = new(VocabSize: 2048, ContextLength: 64, ModelDim: 128, Layers: 4, Heads: 4, Dropout: 0.0);
    public TrainerOptions Training { get; init; } = new()
    {
        Steps = 2000, BatchSize = 32, LearningRate = 3e-3, WarmupSteps = 100, WeightDecay = 0.01, MinLearningRateRatio = 0.1,
        MaxGradientNorm = 1.0, Seed = 1, EvalEvery = 250, EvalMaxRows = 512,
    };
    /// <summary>Held-out rows whose loss the manifest records separately, so a loaded model can be checked quickly.</summary>
    public int CheckRows { get; init; } = 8;
    public int? Threads { get; init; }

    /// <summary>The first built-in model (stop 12): d 128, 4 layers, 2,000 steps of batch 32 (one pass over WordNet),
    /// 1.06 M parameters, 517 s on one thread. Still shipped and served by hash (<see cref="BaseModelCatalog"/>): models
    /// registered over it and their attribution indexes stay valid.</summary>
    public static BaseModelOptions WordNet1M(string outputDirectory) => new() { OutputDirectory = outputDirectory };

    /// <summary>The second built-in model: the same corpus and split (so the lexname test set is the same 1,167 synsets),
    /// a 4,096-token BPE vocabulary (more whole words), d 256, 6 layers, 8 heads, 5.3 M parameters, trained for
    /// about two passes over the training text with a longer warmup. Sized to train once on one thread of this project's
    /// 2-core machines in about an hour (see the README's "Quality evidence").</summary>
    public static BaseModelOptions WordNet5M(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory,
        VocabSize = 4096,
        Model = new Gpt2Config(VocabSize: 4096, ContextLength: 64, ModelDim: 256, Layers: 6, Heads: 8, Dropout: 0.0),
        Training = new TrainerOptions
        {
            Steps = 4000, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 200, WeightDecay = 0.05, MinLearningRateRatio = 0.05,
            MaxGradientNorm = 1.0, Seed = 1, EvalEvery = 500, EvalMaxRows = 512,
        },
    };

    /// <summary>Every built-in recipe by name, oldest first; <c>ml train-base --recipe NAME</c> runs one.</summary>
    public static IReadOnlyDictionary<string, Func<string, BaseModelOptions>> Recipes { get; } = new Dictionary<string, Func<string, BaseModelOptions>>(StringComparer.Ordinal)
    {
        ["wordnet-1m"] = WordNet1M,
        ["wordnet-5m"] = WordNet5M,
    };

    /// <summary>The newest built-in recipe's name.</summary>
    public const string DefaultRecipe = "wordnet-5m";

    public static BaseModelOptions Default(string outputDirectory) => Recipes[DefaultRecipe](outputDirectory);

    public static BaseModelOptions Tiny(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory,
        MaxSynsets = 3000,
        HeldOutPerMille = 50,
        VocabSize = 320,
        TokenizerSampleEvery = 1,
        Model = new Gpt2Config(VocabSize: 320, ContextLength: 32, ModelDim: 32, Layers: 1, Heads: 2, Dropout: 0.0),
        Training = new TrainerOptions { Steps = 6, BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 2, Seed = 1, EvalEvery = 3, EvalMaxRows = 16 },
        CheckRows = 4,
    };
}
