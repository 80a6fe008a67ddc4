using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.ML.Tokenizer;
using OpenLedger.ML.Training;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML;

/// <summary>Model Factory's training run over the built-in base model: prompt masking, prompt fitting, bit-for-bit
/// reproducible adapters and training records on one thread, resume after cancellation, and spec validation.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class FineTuneTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-finetune-" + Guid.NewGuid().ToString("N"));
    private readonly IDisposable _singleThreaded;

    public FineTuneTests()
    {
        TorchRuntime.EnsureLoaded();
        _singleThreaded = TorchDeterminism.SingleThreaded();
    }

    public void Dispose()
    {
        _singleThreaded.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly Lazy<BpeTokenizer> Tokenizer =
        new(() => BpeTokenizer.Load(Path.Combine(TestBaseModel.Directory, BaseModelRecipe.TokenizerFile)));

    private static long[] Row(TorchSharp.torch.Tensor t, int row) => t[row].data<long>().ToArray();
    private static bool[] MaskRow(TorchSharp.torch.Tensor t, int row) => t[row].data<bool>().ToArray();

    // ---- (a) masked examples ----

    [Fact]
    public void Masked_examples_count_only_the_targets_from_their_first_target_on()
    {
        var data = TokenBatches.FromMaskedExamples(
        [
            ([1, 2, 3, 4, 5], 3),          // prompt 1 2 3, answer 4 5
            ([6, 7], 2),                   // no target: dropped
            ([8, 9, 10], 0),               // first target below 1 counts from 1
            ([11, 12, 13, 14, 15, 16, 17], 2),   // truncated to context + 1 = 5 tokens
            ([20, 21, 22, 23, 24, 25, 26], 6),   // its targets are all cut off by the truncation: dropped
            ([30], 1),                     // one token: no target, dropped
        ], contextLength: 4, batchSize: 8, seed: 1, padId: 0);

        Assert.Equal(3, data.RowCount);
        Assert.Equal(2 + 2 + 3, data.TargetTokenCount);
        using var batch = data.InOrder().Single();
        Assert.Equal([3L, 4], batch.Inputs.shape);

        Assert.Equal([1L, 2, 3, 4], Row(batch.Inputs, 0));
        Assert.Equal([false, false, true, true], MaskRow(batch.Mask, 0));
        Assert.Equal([0L, 0, 4, 5], Row(batch.Targets, 0));   // masked targets are the pad id

        Assert.Equal([8L, 9, 10, 0], Row(batch.Inputs, 1));
        Assert.Equal([9L, 10, 0, 0], Row(batch.Targets, 1));
        Assert.Equal([true, true, false, false], MaskRow(batch.Mask, 1));

        Assert.Equal([11L, 12, 13, 14], Row(batch.Inputs, 2));
        Assert.Equal([0L, 13, 14, 15], Row(batch.Targets, 2));
        Assert.Equal([false, true, true, true], MaskRow(batch.Mask, 2));

        Assert.Equal(7, batch.TokenCount);
        Assert.Equal(7, batch.Mask.sum().item<long>());
    }

    [Fact]
    public void Masked_examples_with_no_target_at_all_are_refused() =>
        Assert.Throws<ArgumentException>(() => TokenBatches.FromMaskedExamples([([1, 2], 2), ([3], 0)], 4, 8, 1, 0));

    [Fact]
    public void Training_batches_of_masked_examples_count_what_their_mask_counts()
    {
        var random = new Random(3);
        var examples = Enumerable.Range(0, 30).Select(_ =>
        {
            var tokens = Enumerable.Range(0, random.Next(2, 12)).Select(_ => random.Next(1, 50)).ToArray();
            return (tokens, random.Next(0, tokens.Length + 2));
        }).ToList();
        var data = TokenBatches.FromMaskedExamples(examples, contextLength: 8, batchSize: 4, seed: 5, padId: 0);
        var expectedRows = examples.Count(e => Math.Max(1, e.Item2) < Math.Min(e.tokens.Length, 9));
        Assert.Equal(expectedRows, data.RowCount);
        long total = 0;
        for (var k = 0; k < data.BatchesPerEpoch; k++)
        {
            using var batch = data.Batch(k);
            Assert.Equal(batch.Mask.sum().item<long>(), batch.TokenCount);
            total += batch.TokenCount;
        }
        long inOrder = 0;
        foreach (var batch in data.InOrder()) using (batch) inOrder += batch.TokenCount;
        Assert.Equal(data.TargetTokenCount, inOrder);
        Assert.True(total <= inOrder);
    }

    // ---- (b) prompt format ----

    [Fact]
    public void A_short_text_label_row_is_prompt_then_answer_with_the_answer_as_targets()
    {
        var tokenizer = Tokenizer.Value;
        var example = new TaskExample("dog, domestic dog: a member of the genus Canis", "noun.animal");
        var prompt = TaskPrompt.Prompt(TaskKind.TextLabel, tokenizer, example.Input);
        var answer = TaskPrompt.Answer(TaskKind.TextLabel, tokenizer, example.Output);

        var (tokens, first) = TaskPrompt.Row(TaskKind.TextLabel, tokenizer, example, 65);
        Assert.Equal(prompt.Concat(answer), tokens);
        Assert.Equal(prompt.Length, first);
        Assert.Equal(tokenizer.SpecialTokenId(BpeTokenizer.EndOfText), answer[^1]);
        Assert.Equal(example.Input + TaskPrompt.LabelCue, tokenizer.Decode(prompt));
        Assert.Equal(" noun.animal", tokenizer.Decode(answer[..^1]));
    }

    [Fact]
    public void A_row_too_long_for_the_context_keeps_the_whole_answer_and_the_end_of_the_prompt()
    {
        var tokenizer = Tokenizer.Value;
        var longText = string.Join(" ", Enumerable.Repeat("a long and winding definition of something rather ordinary", 20));
        foreach (var (task, example) in new[]
                 {
                     (TaskKind.TextLabel, new TaskExample(longText, "noun.artifact")),
                     (TaskKind.PromptCompletion, new TaskExample(longText, "the completion that must survive whole")),
                 })
        {
            var prompt = TaskPrompt.Prompt(task, tokenizer, example.Input);
            var answer = TaskPrompt.Answer(task, tokenizer, example.Output);
            Assert.True(prompt.Length > 100);

            var (tokens, first) = TaskPrompt.Row(task, tokenizer, example, 65);
            Assert.Equal(65, tokens.Length);
            Assert.Equal(answer, tokens[first..]);
            Assert.Equal(65 - answer.Length, first);
            Assert.Equal(prompt[^first..], tokens[..first]);   // the prompt's end, with its cue, is kept
        }
    }

    [Fact]
    public void An_answer_longer_than_the_context_keeps_one_prompt_token_and_the_answer_start()
    {
        var tokenizer = Tokenizer.Value;
        var longCompletion = string.Join(" ", Enumerable.Repeat("word", 200));
        var example = new TaskExample("prompt text", longCompletion);
        var prompt = TaskPrompt.Prompt(TaskKind.PromptCompletion, tokenizer, example.Input);
        var answer = TaskPrompt.Answer(TaskKind.PromptCompletion, tokenizer, example.Output);

        var (tokens, first) = TaskPrompt.Row(TaskKind.PromptCompletion, tokenizer, example, 65);
        Assert.Equal(65, tokens.Length);
        Assert.Equal(1, first);
        Assert.Equal(prompt[^1], tokens[0]);
        Assert.Equal(answer[..64], tokens[1..]);
    }

    [Fact]
    public void A_text_example_is_all_targets_and_keeps_its_start()
    {
        var tokenizer = Tokenizer.Value;
        var text = string.Join(" ", Enumerable.Repeat("plain text to continue", 40));
        var all = TaskPrompt.Answer(TaskKind.Text, tokenizer, text);
        Assert.Equal(tokenizer.Encode(text).Append(tokenizer.SpecialTokenId(BpeTokenizer.EndOfText)), all);

        var (tokens, first) = TaskPrompt.Row(TaskKind.Text, tokenizer, new TaskExample("", text), 65);
        Assert.Equal(1, first);
        Assert.Equal(all[..65], tokens);

        var (shortTokens, shortFirst) = TaskPrompt.Row(TaskKind.Text, tokenizer, new TaskExample("", "hi"), 65);
        Assert.Equal(TaskPrompt.Answer(TaskKind.Text, tokenizer, "hi"), shortTokens);
        Assert.Equal(1, shortFirst);
    }

    [Fact]
    public void FitPrompt_leaves_room_for_the_new_tokens_by_dropping_the_prompt_start()
    {
        var prompt = Enumerable.Range(1, 100).ToArray();
        Assert.Equal(prompt[^55..], TaskPrompt.FitPrompt(prompt, newTokens: 10, contextLength: 65));
        Assert.Same(prompt, TaskPrompt.FitPrompt(prompt, newTokens: 10, contextLength: 200));
        Assert.Equal(prompt, TaskPrompt.FitPrompt(prompt, newTokens: 0, contextLength: 100));
        Assert.Equal([100], TaskPrompt.FitPrompt(prompt, newTokens: 65, contextLength: 65));    // at least one token stays
        Assert.Equal([100], TaskPrompt.FitPrompt(prompt, newTokens: 500, contextLength: 65));
    }

    [Fact]
    public void Prompt_completion_and_text_label_prompts_end_with_their_cue()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal("2 + 2 =" + TaskPrompt.CompletionCue, tokenizer.Decode(TaskPrompt.Prompt(TaskKind.PromptCompletion, tokenizer, "2 + 2 =")));
        Assert.Equal("continue", tokenizer.Decode(TaskPrompt.Prompt(TaskKind.Text, tokenizer, "continue")));
        var eot = tokenizer.SpecialTokenId(BpeTokenizer.EndOfText);
        var generated = tokenizer.Encode(" noun.animal").Select(t => (long)t).Append(eot).Append(5).ToList();
        Assert.Equal("noun.animal", TaskPrompt.DecodeAnswer(tokenizer, generated, TaskKind.TextLabel));
    }

    // ---- (c) the run: reproducible artifacts ----

    /// <summary>WordNet-like glosses in four lexicographer categories, ten each.</summary>
    private static readonly (string Label, string[] Texts)[] Glosses =
    [
        ("noun.animal",
        [
            "dog, domestic dog: a member of the genus Canis", "cat, house cat: a small domesticated feline", "horse: a solid-hoofed herbivorous quadruped",
            "sparrow: a small brownish finch", "salmon: a large fish of northern waters", "eagle: a large bird of prey", "cow: a mature female of cattle",
            "frog, toad: a tailless stout-bodied amphibian", "whale: a very large marine mammal", "ant, emmet: a social insect living in colonies",
        ]),
        ("noun.artifact",
        [
            "hammer: a hand tool with a heavy head", "chair: a seat for one person with a back", "knife: an edge tool used for cutting",
            "car, automobile: a motor vehicle with four wheels", "bridge, span: a structure that allows people to cross", "cup: a small open container for drinking",
            "lamp: an artificial source of visible light", "shirt: a garment worn on the upper body", "clock: a timepiece that shows the time of day",
            "needle: a sharp pointed implement for sewing",
        ]),
        ("verb.motion",
        [
            "run: move fast by using one's feet", "walk: use one's feet to advance", "fly: travel through the air", "swim: travel through water",
            "jump, leap: move forward by leaps and bounds", "crawl: move slowly on hands and knees", "roll: move by turning over",
            "slide, glide: move smoothly along a surface", "climb: go upward with gradual or continuous progress", "fall: descend in free fall",
        ]),
        ("adj.all",
        [
            "happy: enjoying or showing joy", "red: having the color of blood", "large, big: above average in size", "quick, fast: moving quickly",
            "cold: having a low temperature", "soft: yielding readily to pressure", "bright: emitting or reflecting light readily",
            "quiet: characterized by an absence of noise", "heavy: of comparatively great weight", "empty: holding or containing nothing",
        ]),
    ];

    internal static FineTuneDataset Dataset(int? count = null)
    {
        var examples = Glosses.SelectMany(g => g.Texts.Select(t => new TaskExample(t, g.Label)))
            .Select(e => new DatasetExample(Keccak256.Hash(TaskExampleFormat.Format(TaskKind.TextLabel, e)), e))
            .Take(count ?? int.MaxValue).ToList();
        var skipped = new List<SkippedContent> { new(Keccak256.Hash("lable"u8), "unexpected or repeated member 'lable'") };
        return new FineTuneDataset(Keccak256.Hash("datanet"u8), Keccak256.Hash("version"u8), 3, Keccak256.Hash("root"u8), TaskKind.TextLabel,
            examples, skipped);
    }

    private static readonly FineTuneSpec Spec = new() { Rank = 4, Alpha = 8, Steps = 6, BatchSize = 8, LearningRate = 5e-3, Seed = 11 };

    private static FineTuneResult Run(FineTuneDataset dataset, FineTuneSpec spec, string? checkpoints = null,
        Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FineTuneRun.Run(TestBaseModel.Directory, dataset, spec, checkpoints, progress, cancellationToken);

    [Fact]
    public void A_run_is_reproducible_bit_for_bit_and_its_record_describes_it()
    {
        var dataset = Dataset();
        Assert.Equal(40, dataset.Examples.Count);
        var progress = new List<TrainingProgress>();
        var first = Run(dataset, Spec, progress: progress.Add);
        var second = Run(dataset, Spec);

        Assert.Equal(first.AdapterHash, second.AdapterHash);
        Assert.Equal(first.Adapter, second.Adapter);
        Assert.Equal(first.RecordBytes, second.RecordBytes);
        Assert.Equal(first.RecordHash, second.RecordHash);
        Assert.Equal(Keccak256.Hash(first.RecordBytes), first.RecordHash);
        Assert.Equal(first.Record.Hash(), first.RecordHash);
        Assert.Equal(6, first.Training.Steps);
        Assert.Equal(6, progress.Max(p => p.Step));

        // The record parses back to itself, bytes included.
        var record = TrainingRecord.Parse(first.RecordBytes);
        Assert.Equal(first.RecordBytes, record.ToBytes());
        Assert.Equal(TrainingRecord.CurrentFormat, record.Format);

        var (train, heldOut) = dataset.Split();
        var info = record.Dataset;
        Assert.Equal(dataset.Datanet.ToString(), info.Datanet);
        Assert.Equal(dataset.Version.ToString(), info.Version);
        Assert.Equal(3u, info.VersionNumber);
        Assert.Equal(dataset.Root.ToString(), info.Root);
        Assert.Equal("text-label", info.Task);
        Assert.Equal(40, info.Examples);
        Assert.Equal(train.Count, info.TrainExamples);
        Assert.Equal(heldOut.Count, info.HeldOutExamples);
        Assert.Equal(40, info.TrainExamples + info.HeldOutExamples);
        Assert.Equal(heldOut.Count, dataset.Examples.Count(e => FineTuneDataset.IsHeldOut(e.Content)));
        var skipped = Assert.Single(info.Skipped);
        Assert.Equal(dataset.Skipped[0].Content.ToString(), skipped.Content);
        Assert.Equal(dataset.Skipped[0].Reason, skipped.Reason);

        Assert.Equal(Spec, record.Hyperparameters with { TargetModules = Spec.TargetModules });
        Assert.Equal(Spec.TargetModules, record.Hyperparameters.TargetModules);
        Assert.Equal(6, record.Training.Steps);
        Assert.Equal(1, record.Training.Threads);
        Assert.Equal(first.Training.TokensTrained, record.Training.TokensTrained);
        Assert.True(record.Training.TokensTrained > 0);
        Assert.True(double.IsFinite(record.Training.FinalTrainLoss));

        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        Assert.Equal(FineTuneRun.BaseModelName(loaded.Manifest), record.BaseModel.Name);
        Assert.Equal(loaded.Manifest.Weights.Keccak, record.BaseModel.WeightsKeccak);
        Assert.Equal(loaded.Manifest.Tokenizer.Keccak, record.BaseModel.TokenizerKeccak);

        // These 40 contents hash to a split with examples held out, so the record carries evaluation metrics.
        Assert.NotEmpty(heldOut);
        Assert.NotNull(record.Metrics.HeldOutLossBefore);
        Assert.NotNull(record.Metrics.HeldOutLossAfter);
        Assert.NotNull(record.Metrics.BaseAccuracy);
        Assert.NotNull(record.Metrics.Accuracy);
        Assert.Equal(4, record.Metrics.Labels);

        // The adapter artifact is what OpenLoRA serves: rank 4 on every projection of the 4 layers.
        Assert.Equal(first.AdapterHash.ToString(), record.Adapter.Keccak);
        Assert.Equal(first.Adapter.Length, record.Adapter.Bytes);
        using var served = ServedAdapter.Parse(first.AdapterHash, first.Adapter);
        Assert.Equal(loaded.Manifest.Config.Layers * LoraConfig.AllProjections.Count, served.Layers.Count);
        Assert.All(served.Layers.Values, l => Assert.Equal(4, l.A.shape[0]));
        Assert.Equal(record.Adapter.Parameters, served.Layers.Values.Sum(l => l.A.numel() + l.B.numel()));
    }

    [Fact]
    public void Another_seed_gives_another_adapter()
    {
        var dataset = Dataset();
        var a = Run(dataset, Spec with { Steps = 2 });
        var b = Run(dataset, Spec with { Steps = 2, Seed = 12 });
        Assert.NotEqual(a.AdapterHash, b.AdapterHash);
        Assert.NotEqual(a.RecordHash, b.RecordHash);
    }

    [Fact]
    public void A_small_dataset_holds_nothing_out_and_says_so()
    {
        var dataset = Dataset(count: 12);
        var result = Run(dataset, Spec with { Steps = 2, BatchSize = 4 });
        Assert.Equal(12, result.Record.Dataset.TrainExamples);
        Assert.Equal(0, result.Record.Dataset.HeldOutExamples);
        Assert.Contains("fewer than", result.Record.Dataset.HeldOutRule);
        Assert.Null(result.Record.Metrics.HeldOutLossBefore);
        Assert.Null(result.Record.Metrics.Accuracy);
    }

    // ---- (d) resume ----

    [Fact]
    public void A_cancelled_run_resumes_from_its_checkpoint_to_the_uninterrupted_adapter()
    {
        var dataset = Dataset();
        var uninterrupted = Run(dataset, Spec);

        using var cancel = new CancellationTokenSource();
        var steps = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(dataset, Spec, _dir,
            p => { steps.Add(p.Step); if (p.Step == 3) cancel.Cancel(); }, cancel.Token));
        Assert.Equal(3, steps.Max());
        Assert.True(TrainingCheckpoint.Exists(_dir));
        var (state, tensors) = TrainingCheckpoint.Load(_dir);
        foreach (var t in tensors.Values) t.Dispose();
        Assert.Equal(3, state.Step);
        Assert.Equal(6, state.TotalSteps);
        Assert.All(tensors.Keys, k => Assert.Contains(".lora_", k));

        var resumed = Run(dataset, Spec, _dir);
        Assert.Equal(3, resumed.Training.ResumedFromStep);
        Assert.Equal(6, resumed.Training.Steps);
        Assert.Equal(uninterrupted.AdapterHash, resumed.AdapterHash);
        Assert.Equal(uninterrupted.RecordHash, resumed.RecordHash);
    }

    // ---- (e) validation ----

    public static TheoryData<FineTuneSpec, string> BadSpecs => new()
    {
        { new FineTuneSpec { Rank = 0 }, "rank" },
        { new FineTuneSpec { Rank = FineTuneSpec.MaxRank + 1 }, "rank" },
        { new FineTuneSpec { Alpha = 0 }, "alpha" },
        { new FineTuneSpec { Alpha = -1 }, "alpha" },
        { new FineTuneSpec { Alpha = double.NaN }, "alpha" },
        { new FineTuneSpec { Alpha = double.PositiveInfinity }, "alpha" },
        { new FineTuneSpec { TargetModules = [] }, "targetModules" },
        { new FineTuneSpec { TargetModules = ["attn.c_attn", "attn.q_proj"] }, "target module" },
        { new FineTuneSpec { TargetModules = ["attn.c_attn", "mlp.c_fc", "attn.c_attn"] }, "twice" },
        { new FineTuneSpec { LearningRate = 0 }, "learningRate" },
        { new FineTuneSpec { LearningRate = -1e-3 }, "learningRate" },
        { new FineTuneSpec { LearningRate = 2 }, "learningRate" },
        { new FineTuneSpec { LearningRate = double.NaN }, "learningRate" },
        { new FineTuneSpec { Steps = 0 }, "steps" },
        { new FineTuneSpec { Steps = FineTuneSpec.MaxSteps + 1 }, "steps" },
        { new FineTuneSpec { Epochs = 0 }, "epochs" },
        { new FineTuneSpec { Epochs = 1001 }, "epochs" },
        { new FineTuneSpec { BatchSize = 0 }, "batchSize" },
        { new FineTuneSpec { BatchSize = FineTuneSpec.MaxBatchSize + 1 }, "batchSize" },
        { new FineTuneSpec { Seed = -1 }, "seed" },
        { new FineTuneSpec { Schedule = "step" }, "schedule" },
        { new FineTuneSpec { Schedule = "" }, "schedule" },
        { new FineTuneSpec { LabelSmoothing = -0.1 }, "labelSmoothing" },
        { new FineTuneSpec { LabelSmoothing = 0.5 }, "labelSmoothing" },
        { new FineTuneSpec { LabelSmoothing = double.NaN }, "labelSmoothing" },
        { new FineTuneSpec { EarlyStopping = 0 }, "earlyStopping" },
        { new FineTuneSpec { EarlyStopping = 11 }, "earlyStopping" },
        { new FineTuneSpec { LabelScoring = "max" }, "labelScoring" },
    };

    [Fact]
    public void A_run_with_the_later_recipe_options_records_them_and_its_best_step()
    {
        var spec = Spec with { Steps = 20, Schedule = "linear", LabelSmoothing = 0.1, EarlyStopping = 1, LabelScoring = "mean" };
        var run = Run(Dataset(), spec);

        Assert.Equal(spec, run.Record.Hyperparameters);
        Assert.Contains("warmup + linear to 0.1 x", run.Record.Training.Optimizer);
        Assert.Contains("label smoothing 0.1", run.Record.Training.Optimizer);
        Assert.Contains("early stopping after 1 held-out evaluations", run.Record.Training.Optimizer);
        var best = Assert.IsType<int>(run.Record.Training.BestStep);
        Assert.InRange(best, 1, run.Record.Training.Steps);
        Assert.Equal(run.Training.EarlyStopping!.BestEvalLoss, run.Record.Metrics.HeldOutLossAfter);
        Assert.NotNull(run.Record.Metrics.Accuracy);
        // Same inputs, same bytes: the options keep a run reproducible.
        Assert.Equal(run.RecordHash, Run(Dataset(), spec).RecordHash);
        // A record without the options still reads as records always did.
        Assert.DoesNotContain("bestStep", System.Text.Encoding.UTF8.GetString(Run(Dataset(), Spec).RecordBytes));
    }

    [Fact]
    public void A_spec_without_the_later_recipe_options_serializes_as_before_and_with_them_names_them()
    {
        // The JSON (part of every training record and job id) of a spec written before the options existed.
        Assert.Equal(
            """{"rank":8,"alpha":16,"targetModules":["attn.c_attn","attn.c_proj","mlp.c_fc","mlp.c_proj"],"learningRate":0.003,"epochs":1,"steps":null,"batchSize":16,"seed":1}""",
            System.Text.Json.JsonSerializer.Serialize(new FineTuneSpec()));
        var json = System.Text.Json.JsonSerializer.Serialize(new FineTuneSpec { Schedule = "linear", LabelSmoothing = 0.1, EarlyStopping = 2, LabelScoring = "mean" });
        Assert.EndsWith(""","seed":1,"schedule":"linear","labelSmoothing":0.1,"earlyStopping":2,"labelScoring":"mean"}""", json);
        Assert.Equal(new FineTuneSpec { Schedule = "linear", LabelSmoothing = 0.1, EarlyStopping = 2, LabelScoring = "mean" },
            System.Text.Json.JsonSerializer.Deserialize<FineTuneSpec>(json)! with { TargetModules = LoraConfig.AllProjections });
    }

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_spec_is_refused_before_any_work(FineTuneSpec spec, string mentions)
    {
        var problem = spec.Problem();
        Assert.NotNull(problem);
        Assert.Contains(mentions, problem);
        Assert.Equal(problem, FineTuneRun.Problem(Dataset(), spec));
        var e = Assert.Throws<ArgumentException>(() => FineTuneRun.Run("/nonexistent/base-model", Dataset(), spec, null));
        Assert.Equal(problem, e.Message);
    }

    [Fact]
    public void Good_specs_pass()
    {
        Assert.Null(new FineTuneSpec().Problem());
        Assert.Null(Spec.Problem());
        Assert.Null(new FineTuneSpec { Rank = 1, TargetModules = ["c_attn"] }.Problem());   // a short name matches its projection
        Assert.Null(new FineTuneSpec { Rank = FineTuneSpec.MaxRank, LearningRate = 1, BatchSize = FineTuneSpec.MaxBatchSize }.Problem());
        Assert.Null(new FineTuneSpec { Epochs = 0, Steps = 5 }.Problem());   // epochs are ignored when steps are set
    }

    [Fact]
    public void An_empty_dataset_is_refused()
    {
        var empty = Dataset() with { Examples = [] };
        Assert.NotNull(FineTuneRun.Problem(empty, Spec));
        Assert.Throws<ArgumentException>(() => Run(empty, Spec));
    }
}
