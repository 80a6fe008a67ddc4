using OpenLedger.ML.Corpus;
using OpenLedger.ML.Model;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.BaseModel;

/// <summary>The recipe's knobs. <see cref="Default"/> is the built-in model's recipe; <see cref="Tiny"/> a seconds-long
/// version of the same pipeline for tests.</summary>
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

    public static BaseModelOptions Default(string outputDirectory) => new() { OutputDirectory = outputDirectory };

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
