using System.Text.Json.Serialization;
using OpenLedger.ML.Model;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.BaseModel;

/// <summary><c>base-model.json</c>: what the weights are, how they were made, and how well they do on held-out text.</summary>
public sealed record BaseModelManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("config")] Gpt2Config Config,
    [property: JsonPropertyName("tokenizer")] BaseModelManifest.TokenizerInfo Tokenizer,
    [property: JsonPropertyName("weights")] BaseModelManifest.WeightsInfo Weights,
    [property: JsonPropertyName("training")] BaseModelManifest.TrainingInfo Training,
    [property: JsonPropertyName("heldOut")] BaseModelManifest.HeldOutInfo HeldOut,
    [property: JsonPropertyName("corpus")] BaseModelManifest.CorpusInfo Corpus,
    [property: JsonPropertyName("imported"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BaseModelManifest.ImportInfo? Imported = null)
{
    public const string CurrentFormat = "openledger-base-model/1";

    /// <param name="File">the tokenizer's file in the directory (<c>bpe</c>); null for <c>r50k_base</c>, whose vocabulary
    /// comes with the engine (the Microsoft.ML.Tokenizers.Data.R50kBase package)</param>
    /// <param name="Keccak">of the file (<c>bpe</c>), or of the r50k_base vocabulary (<see cref="R50kTokenizer.DataKeccak"/>)</param>
    /// <param name="Kind"><see cref="BpeTokenizer.KindName"/> or <see cref="R50kTokenizer.KindName"/>; absent (the built-in
    /// model's manifest, written before there was a choice) means <c>bpe</c></param>
    public sealed record TokenizerInfo(
        [property: JsonPropertyName("file")] string? File,
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("vocabSize")] int VocabSize,
        [property: JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind = null)
    {
        /// <summary><see cref="Kind"/>, <c>bpe</c> when absent.</summary>
        [JsonIgnore]
        public string EffectiveKind => Kind ?? BpeTokenizer.KindName;
    }

    public sealed record WeightsInfo(
        [property: JsonPropertyName("file")] string File,
        [property: JsonPropertyName("keccak")] string Keccak,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("parameters")] long Parameters,
        [property: JsonPropertyName("layout")] string Layout);

    /// <summary>Where an imported checkpoint came from (<see cref="Gpt2Import"/>); absent for a model the recipe trained.
    /// An imported model's training, held-out and corpus sections are then empty (zero steps, NaN losses): it was
    /// trained elsewhere.</summary>
    /// <param name="Source">what was imported, e.g. "Hugging Face GPT-2 (config.json + model.safetensors)"</param>
    /// <param name="Directory">the source directory's name (not its full path)</param>
    /// <param name="WeightsKeccak">keccak of the source <c>model.safetensors</c> as supplied</param>
    /// <param name="ConfigKeccak">keccak of the source <c>config.json</c></param>
    /// <param name="SourceDType">the source weights' element type (converted to float32)</param>
    public sealed record ImportInfo(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("directory")] string Directory,
        [property: JsonPropertyName("weightsKeccak")] string WeightsKeccak,
        [property: JsonPropertyName("configKeccak")] string ConfigKeccak,
        [property: JsonPropertyName("sourceDType")] string SourceDType);

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
