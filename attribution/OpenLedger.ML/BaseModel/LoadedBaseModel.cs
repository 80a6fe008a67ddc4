using OpenLedger.ML.Corpus;
using OpenLedger.ML.Model;
using OpenLedger.ML.Tokenizer;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.BaseModel;

/// <summary>A base model read from a recipe's output directory (hashes checked), in eval mode.</summary>
public sealed class LoadedBaseModel(string directory, BaseModelManifest manifest, ITextTokenizer tokenizer, Gpt2Model model) : IDisposable
{
    public string Directory { get; } = directory;
    public BaseModelManifest Manifest { get; } = manifest;
    /// <summary>The model's tokenizer: the built-in model's <see cref="BpeTokenizer"/>, or GPT-2's
    /// <see cref="R50kTokenizer"/> for an imported checkpoint (<see cref="BaseModelManifest.TokenizerInfo.Kind"/>).</summary>
    public ITextTokenizer Tokenizer { get; } = tokenizer;
    public Gpt2Model Model { get; } = model;

    /// <summary>The held-out rows of the manifest's split, rebuilt from WordNet.</summary>
    public TokenBatches HeldOut(WordNetCorpus corpus, int batchSize = 16)
    {
        var (_, heldOut) = BaseModelRecipe.Split(corpus, Manifest.Corpus.MaxSynsets, Manifest.Corpus.HeldOutPerMille);
        return BaseModelRecipe.HeldOutBatches(Tokenizer, heldOut, Manifest.Config.ContextLength, batchSize);
    }

    public void Dispose() => Model.Dispose();
}
