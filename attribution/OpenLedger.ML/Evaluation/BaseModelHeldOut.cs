using System.Text;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.Evaluation;

/// <summary>A base model's language-modelling quality on every synset its recipe held out, in a unit that does not
/// depend on the tokenizer: perplexity per token is not comparable between a 2,048- and a 4,096-token vocabulary (a
/// larger vocabulary's tokens each carry more text), bits per UTF-8 byte of the same held-out text are.</summary>
public sealed record BaseModelHeldOut(string Name, int Synsets, long Tokens, long Bytes, double LossPerToken)
{
    public double Perplexity => Math.Exp(LossPerToken);

    /// <summary>Total negative log-likelihood over the text in bits, per byte of text.</summary>
    public double BitsPerByte => LossPerToken * Tokens / Math.Log(2) / Bytes;

    /// <summary>Scores <paramref name="loaded"/> on all of its held-out synsets (not the manifest's first 512 rows).</summary>
    public static BaseModelHeldOut Measure(LoadedBaseModel loaded, WordNetCorpus corpus, int batchSize = 16)
    {
        var (_, heldOut) = BaseModelRecipe.Split(corpus, loaded.Manifest.Corpus.MaxSynsets, loaded.Manifest.Corpus.HeldOutPerMille);
        var result = Trainer.Evaluate(loaded.Model, loaded.HeldOut(corpus, batchSize));
        var bytes = heldOut.Sum(s => (long)Encoding.UTF8.GetByteCount(s.ToText()));
        return new BaseModelHeldOut(FineTuning.FineTuneRun.BaseModelName(loaded.Manifest), heldOut.Count, result.Tokens, bytes, result.Loss);
    }
}
