using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Runtime;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML;

/// <summary>The two ways of scoring labels (a full row per label; the prompt once, shared by every label's row) give
/// the same predictions under both scorings, and length-normalised scoring is the summed one divided by the label's
/// token count.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class LabelClassifierTests
{
    [Fact]
    public void Shared_prompt_scoring_predicts_what_full_rows_predict()
    {
        using var single = TorchDeterminism.SingleThreaded();
        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        var examples = FineTuneTests.Dataset().Examples.Select(e => e.Example).ToList();
        var labels = examples.Select(e => e.Output).ToList();
        var texts = examples.Select(e => e.Input).ToList();

        var rows = new LabelClassifier(loaded.Tokenizer, labels).PredictEach(loaded.Model, texts);
        var shared = new LabelClassifier(loaded.Tokenizer, labels, sharedPrompt: true).PredictEach(loaded.Model, texts);

        Assert.Equal(rows[LabelScoring.Sum], shared[LabelScoring.Sum]);
        Assert.Equal(rows[LabelScoring.Mean], shared[LabelScoring.Mean]);
        Assert.Equal(rows[LabelScoring.Mean], new LabelClassifier(loaded.Tokenizer, labels, LabelScoring.Mean).Predict(loaded.Model, texts));
        Assert.Equal(rows[LabelScoring.Sum], new LabelClassifier(loaded.Tokenizer, labels).Predict(loaded.Model, texts));
    }
}
