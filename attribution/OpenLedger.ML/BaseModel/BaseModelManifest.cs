using System.Text.Json.Serialization;
using OpenLedger.ML.Model;

namespace OpenLedger.ML.BaseModel;

/// <summary><c>base-model.json</c>: what the weights are, how they were made, and how well they do on held-out text.</summary>
public sealed record BaseModelManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("config")] Gpt2Config Config,
    [property: JsonPropertyName("tokenizer")] BaseModelManifest.TokenizerInfo Tokenizer,
    [property: JsonPropertyName("weights")] BaseModelManifest.WeightsInfo Weights,
    [property: JsonPropertyName("training")] BaseModelManifest.TrainingInfo Training,
    [property: JsonPropertyName("heldOut")] BaseModelManifest.HeldOutInfo HeldOut,
    [property: JsonPropertyName("corpus")] BaseModelManifest.CorpusInfo Corpus)
{
    public const string CurrentFormat = "openledger-base-model/1";

    public sealed record TokenizerInfo(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("vocabSize")] int VocabSize);

    public sealed record WeightsInfo(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("parameters")] long Parameters,
        [property: JsonPropertyName("layout")] string Layout);

    public sealed record TrainingInfo(
        [property: JsonPropertyName("steps")] int Steps,
        [property: JsonPropertyName("seed")] long Seed,
        [property: JsonPropertyName("batchSize")] int BatchSize,
        [property: JsonPropertyName("learningRate")] double LearningRate,
        [property: JsonPropertyName("warmupSteps")] int WarmupSteps,
        [property: JsonPropertyName("weightDecay")] double WeightDecay,
        [property: JsonPropertyName("maxGradientNorm")] double MaxGradientNorm,
        [property: JsonPropertyName("tokensTrained")] long TokensTrained,
        [property: JsonPropertyName("finalTrainLoss")] double FinalTrainLoss,
        [property: JsonPropertyName("threads")] int Threads,
        [property: JsonPropertyName("wallSeconds")] double WallSeconds);

    /// <param name="CheckLoss">the loss over the first <paramref name="CheckRows"/> held-out rows alone, for a quick
    /// check of a loaded copy</param>
    public sealed record HeldOutInfo(
        [property: JsonPropertyName("initialLoss")] double InitialLoss,
        [property: JsonPropertyName("loss")] double Loss,
        [property: JsonPropertyName("perplexity")] double Perplexity,
        [property: JsonPropertyName("rows")] int Rows,
        [property: JsonPropertyName("tokens")] long Tokens,
        [property: JsonPropertyName("checkRows")] int CheckRows,
        [property: JsonPropertyName("checkLoss")] double CheckLoss);

    public sealed record CorpusInfo(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("split")] string Split,
        [property: JsonPropertyName("synsets")] int Synsets,
        [property: JsonPropertyName("trainSynsets")] int TrainSynsets,
        [property: JsonPropertyName("heldOutSynsets")] int HeldOutSynsets,
        [property: JsonPropertyName("trainTokens")] long TrainTokens,
        [property: JsonPropertyName("heldOutPerMille")] int HeldOutPerMille,
        [property: JsonPropertyName("maxSynsets")] int? MaxSynsets,
        [property: JsonPropertyName("tokenizerSampleEvery")] int TokenizerSampleEvery);
}
