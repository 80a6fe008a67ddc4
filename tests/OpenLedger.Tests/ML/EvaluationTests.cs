using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Evaluation;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Runtime;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML;

/// <summary>The quality evaluation (WordNet gloss → lexicographer category): the bag-of-words baseline, the task's
/// split and a tiny end-to-end run of <c>openledger ml eval-lexname</c>.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class EvaluationTests
{
    private static readonly Lazy<WordNetCorpus> WordNet = new(() => WordNetCorpus.Load(WordNetCorpus.DefaultDirectory));
    private static readonly Lazy<BaseModelManifest> Builtin = new(() =>
    {
        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        return loaded.Manifest;
    });

    // ---- bag-of-words logistic regression ----

    /// <summary>Three topics, each with its own words plus shared filler words; every text names one topic word.</summary>
    private static List<TaskExample> Topics(int count, int seed)
    {
        string[][] words =
        [
            ["cat", "dog", "horse", "bird", "fish"],
            ["car", "truck", "train", "plane", "boat"],
            ["red", "green", "blue", "yellow", "purple"],
        ];
        string[] filler = ["the", "a", "of", "and", "some", "very"];
        var random = new Random(seed);
        var examples = new List<TaskExample>();
        for (var i = 0; i < count; i++)
        {
            var label = i % 3;
            var text = string.Join(" ", Enumerable.Range(0, 4).Select(j => j == 0 || random.Next(2) == 0
                ? words[label][random.Next(5)] : filler[random.Next(filler.Length)]));
            examples.Add(new TaskExample(text, $"topic.{label}"));
        }
        return examples;
    }

    [Fact]
    public void Logistic_regression_learns_a_separable_problem()
    {
        var model = BagOfWordsLogisticRegression.Train(Topics(120, 1));
        var test = Topics(60, 2);

        Assert.Equal(1.0, model.Accuracy(test));
        Assert.Equal(["topic.0", "topic.1", "topic.2"], model.Labels);
        Assert.Equal(21, model.VocabularySize);   // 15 topic words + 6 fillers, each seen at least twice
        Assert.True(model.FinalLoss < 0.3, $"final loss {model.FinalLoss}");
        Assert.Equal("topic.1", model.Predict("A TRAIN, of course!"));   // lowercased, punctuation dropped
        Assert.Equal(["a", "train", "of", "course"], BagOfWordsLogisticRegression.Tokens("A TRAIN, of course!"));
    }

    [Fact]
    public void Logistic_regression_is_deterministic_and_ignores_rare_words()
    {
        var examples = Topics(90, 3);
        var first = BagOfWordsLogisticRegression.Train(examples);
        var second = BagOfWordsLogisticRegression.Train(examples);
        Assert.Equal(first.Parameters(), second.Parameters());

        var withRare = examples.Append(new TaskExample("zebra", "topic.0")).ToList();
        Assert.Equal(first.VocabularySize, BagOfWordsLogisticRegression.Train(withRare).VocabularySize);
        Assert.Equal(first.VocabularySize + 1,
            BagOfWordsLogisticRegression.Train(withRare, new BagOfWordsLogisticRegression.Options { MinCount = 1 }).VocabularySize);
        Assert.Throws<ArgumentException>(() => BagOfWordsLogisticRegression.Train([]));
    }

    // ---- the task ----

    [Fact]
    public void The_lexname_split_is_deterministic_disjoint_and_tests_only_on_synsets_the_base_model_never_saw()
    {
        var manifest = Builtin.Value;
        var task = LexnameTask.Build(WordNet.Value, manifest, trainCount: 3000);
        var again = LexnameTask.Build(WordNet.Value, manifest, trainCount: 3000);

        Assert.Equal(task.Train.Select(e => e.Synset.Id), again.Train.Select(e => e.Synset.Id));
        Assert.Equal(task.Test.Select(e => e.Synset.Id), again.Test.Select(e => e.Synset.Id));
        Assert.Equal(3000, task.Train.Count);
        Assert.Equal(manifest.Corpus.HeldOutSynsets, task.Test.Count);
        Assert.Equal(manifest.Corpus.HeldOutSynsets, task.HeldOutSynsets);
        Assert.All(task.Test, e => Assert.True(BaseModelRecipe.IsHeldOut(e.Synset, manifest.Corpus.HeldOutPerMille), e.Synset.Id));
        Assert.All(task.Train, e => Assert.False(BaseModelRecipe.IsHeldOut(e.Synset, manifest.Corpus.HeldOutPerMille), e.Synset.Id));
        Assert.Empty(task.Train.Select(e => e.Synset.Id).Intersect(task.Test.Select(e => e.Synset.Id)));
        Assert.Equal(task.Train.Count, task.Train.Select(e => e.Synset.Id).Distinct().Count());

        // The example: words and definition in, category out; a sample across parts of speech, not the first nouns.
        var first = task.Train[0];
        Assert.Equal(first.Synset.Category, first.Example.Output);
        Assert.StartsWith(string.Join(", ", first.Synset.Words) + ": ", first.Example.Input);
        Assert.Contains(first.Synset.Definition, first.Example.Input);
        Assert.True(task.TrainLabels.Count > 40, $"{task.TrainLabels.Count} labels");
        Assert.Contains(task.Train, e => e.Synset.PartOfSpeech == PartOfSpeech.Verb);

        // A larger sample extends a smaller one; a capped test set is a prefix of the full one.
        var smaller = LexnameTask.Build(WordNet.Value, manifest, trainCount: 500, testCap: 100);
        Assert.Equal(task.Train.Take(500).Select(e => e.Synset.Id), smaller.Train.Select(e => e.Synset.Id));
        Assert.Equal(task.Test.Take(100).Select(e => e.Synset.Id), smaller.Test.Select(e => e.Synset.Id));
    }

    [Fact]
    public void The_fine_tuning_dataset_hashes_each_example_in_the_text_label_format()
    {
        var task = LexnameTask.Build(WordNet.Value, Builtin.Value, trainCount: 50, testCap: 5);
        var dataset = LexnameEvaluation.Dataset(task);

        Assert.Equal(TaskKind.TextLabel, dataset.Task);
        Assert.Equal(50, dataset.Examples.Count);
        foreach (var (example, source) in dataset.Examples.Zip(task.Train))
        {
            Assert.Equal(source.Example, example.Example);
            var content = TaskExampleFormat.Format(TaskKind.TextLabel, example.Example);
            Assert.Equal(Keccak256.Hash(content), example.Content);
            Assert.False(TaskExampleFormat.TryParse(TaskKind.TextLabel, content, out var parsed).IsError);
            Assert.Equal(example.Example, parsed);
        }
        Assert.Equal(dataset.Root, LexnameEvaluation.Dataset(task).Root);
        Assert.Null(FineTuneRun.Problem(dataset, LexnameEvaluation.DefaultSpec));
    }

    // ---- end to end ----

    [Fact]
    public void A_tiny_eval_lexname_run_completes_and_reports_accuracies()
    {
        using var singleThreaded = TorchDeterminism.SingleThreaded();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var log = new StringWriter();
        var report = LexnameEvaluation.Run(new LexnameEvaluation.Settings
        {
            BaseModelDirectory = TestBaseModel.Directory,
            TrainCount = 40,
            TestCap = 12,
            Spec = LexnameEvaluation.DefaultSpec with { Steps = 4, BatchSize = 8 },
            Baseline = new BagOfWordsLogisticRegression.Options { Iterations = 50 },
        }, log);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(["majority class", "bag-of-words logistic regression", "base model (no fine-tuning)", "LoRA adapter (Model Factory)"],
            report.Results.Select(r => r.Method));
        Assert.All(report.Results, r =>
        {
            Assert.InRange(r.TestAccuracy, 0, 1);
            Assert.Equal(12, r.TestExamples);
            Assert.Equal((double)r.Correct / r.TestExamples, r.TestAccuracy);
        });
        Assert.Equal(12, report.TestExamples);
        Assert.Equal(40, report.FineTuneTrainExamples + report.FineTuneHeldOutExamples);
        Assert.Equal(4, report.FineTuneSteps);
        Assert.StartsWith("0x", report.Adapter);
        Assert.Contains("LoRA adapter (Model Factory)", LexnameEvaluation.Table(report));
        Assert.Contains("fine-tuning", log.ToString());
    }
}
