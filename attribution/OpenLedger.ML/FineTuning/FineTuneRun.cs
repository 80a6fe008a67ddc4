using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Lora;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.ML.Tokenizer;
using OpenLedger.ML.Training;
using TorchSharp;

namespace OpenLedger.ML.FineTuning;

/// <summary>The adapter artifact, attribution indexes and training record of a finished job.</summary>
public sealed record FineTuneResult(byte[] Adapter, Hash32 AdapterHash, TrainingRecord Record, byte[] RecordBytes, Hash32 RecordHash,
    TrainingResult Training, AttributionArtifacts Attribution);

/// <summary>
/// Model Factory's training run: a LoRA adapter fine-tuned on a datanet version's examples over a fresh copy of a base
/// model, in the task's prompt format (<see cref="TaskPrompt"/>), with the deterministic <see cref="Trainer"/> (so a
/// cancelled or interrupted run resumes from its checkpoint directory and ends with the same adapter). Pure
/// computation: the job grain around it fetches the data, stores the outputs and reports progress.
/// </summary>
public static class FineTuneRun
{
    /// <summary>How a base model is named on chain (<c>RegisterModel.baseModel</c>): by its weights' hash, so a model
    /// names exactly the weights its adapter was trained over; <c>builtin:</c> for a recipe-trained model (BPE tokenizer),
    /// <c>gpt2:</c> for an imported GPT-2 checkpoint (r50k_base tokenizer).</summary>
    public static string BaseModelName(BaseModelManifest manifest) =>
        (manifest.Tokenizer.EffectiveKind == R50kTokenizer.KindName ? "gpt2:" : "builtin:") + manifest.Weights.Keccak;

    /// <summary>Held-out texts scored for accuracy (text-label tasks) at most, in the held-out order.</summary>
    public const int MaxAccuracyExamples = 200;

    /// <summary>Checkpoints are written every this many steps (and at the end and on cancellation).</summary>
    public const int DefaultCheckpointEvery = 50;

    /// <summary>Validation before any work: what would make the job fail at once (bad spec, nothing to train on).</summary>
    public static string? Problem(FineTuneDataset dataset, FineTuneSpec spec) =>
        spec.Problem() ?? (dataset.Examples.Count == 0 ? "the datanet version has no usable examples" : null);

    /// <param name="owner">the job's owner (0x address), named in the adapter's metadata and in the record (format
    /// <see cref="TrainingRecord.FormatWithOwner"/>); null for a job without one (format <see cref="TrainingRecord.CurrentFormat"/>).</param>
    /// <param name="checkpointStore">where checkpoints go instead of <paramref name="checkpointDirectory"/> (a Model
    /// Factory job's row in the node's database).</param>
    /// <param name="threads">libtorch's CPU threads for this run, set on the calling thread (libtorch's OpenMP thread
    /// count belongs to the thread that sets it) and restored afterwards; null: whatever the calling thread has. The
    /// artifact is a function of the data, the spec and this count (float reductions split differently with more
    /// threads), and the record names it.</param>
    public static FineTuneResult Run(string baseModelDirectory, FineTuneDataset dataset, FineTuneSpec spec, string? checkpointDirectory,
        Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, int checkpointEvery = DefaultCheckpointEvery,
        int? threads = null, string? owner = null, ITrainingCheckpointStore? checkpointStore = null)
    {
        if (Problem(dataset, spec) is { } problem) throw new ArgumentException(problem);
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads));
        TorchRuntime.EnsureLoaded();
        var threadsBefore = torch.get_num_threads();
        if (threads is { } n) torch.set_num_threads(n);
        try
        {
            return RunOnThisThread(baseModelDirectory, dataset, spec, checkpointDirectory, progress, cancellationToken, checkpointEvery, owner, checkpointStore);
        }
        finally
        {
            if (threads is not null) torch.set_num_threads(threadsBefore);
        }
    }

    private static FineTuneResult RunOnThisThread(string baseModelDirectory, FineTuneDataset dataset, FineTuneSpec spec, string? checkpointDirectory,
        Action<TrainingProgress>? progress, CancellationToken cancellationToken, int checkpointEvery, string? owner, ITrainingCheckpointStore? checkpointStore)
    {
        using var loaded = BaseModelRecipe.Load(baseModelDirectory);
        var model = loaded.Model;
        var tokenizer = loaded.Tokenizer;
        var context = model.Config.ContextLength;
        var eot = tokenizer.EndOfTextId;
        var (train, heldOut) = dataset.Split();

        var trainData = Batches(dataset.Task, tokenizer, train, context, spec.BatchSize, spec.Seed, eot);
        var heldOutData = heldOut.Count > 0 ? Batches(dataset.Task, tokenizer, heldOut, context, spec.BatchSize, 0, eot) : null;
        var totalSteps = spec.Steps ?? (int)Math.Ceiling(spec.Epochs * trainData.BatchesPerEpoch);
        var options = new TrainerOptions
        {
            Steps = totalSteps,
            BatchSize = spec.BatchSize,
            LearningRate = spec.LearningRate,
            // LoRA's B starts at zero: no weight decay (it would pull the update back to the base) and a short warmup.
            WeightDecay = 0,
            WarmupSteps = Math.Min(100, totalSteps / 10),
            Seed = spec.Seed,
            Schedule = spec.LearningRateSchedule,
            LabelSmoothing = spec.LabelSmoothing ?? 0,
            EarlyStoppingPatience = spec.EarlyStopping,
            EvalEvery = heldOutData is null ? 0 : Math.Max(1, totalSteps / 10),
            CheckpointDirectory = checkpointDirectory,
            CheckpointStore = checkpointStore,
            CheckpointEvery = checkpointEvery,
        };

        // Classification accuracy before and after, the labels scored by likelihood (see LabelClassifier).
        LabelClassifier? classifier = null;
        double? baseAccuracy = null;
        // Accuracy scores every label for every text (one row each): capped, so it does not outweigh the training.
        var heldOutExamples = heldOut.Take(MaxAccuracyExamples).Select(e => e.Example).ToList();
        if (dataset.Task == TaskKind.TextLabel && heldOut.Count > 0)
        {
            classifier = new LabelClassifier(tokenizer, dataset.Examples.Select(e => e.Example.Output), spec.Scoring);
            baseAccuracy = classifier.Accuracy(model, heldOutExamples);
        }

        var adapter = LoraAdapter.Apply(model, spec.Lora, spec.Seed);
        var trainer = new Trainer(model, options);
        var result = trainer.Train(trainData, heldOutData, progress, cancellationToken);
        // The attribution indexes are part of the job: built with the trained adapter still in this model (unmerged),
        // on the same thread count, so they are as reproducible as the adapter. Built before the accuracy merge: merge
        // then unmerge leaves the base weights off by float rounding, and the index rows must be gradients through the
        // exact base an attributor loads fresh (its query gradients go through that base). A cancellation here throws
        // like one during training; the trainer's final checkpoint makes the next attempt go straight back to this point.
        var attribution = AttributionArtifacts.Build(model, adapter, tokenizer, dataset.Task, train, cancellationToken);

        double? accuracy = null;
        if (classifier is not null)
        {
            // Scored with the update merged into the base weights (one matmul per projection instead of three); the
            // artifact is A and B, which merging does not touch, and this copy of the base is discarded afterwards.
            adapter.Merge();
            accuracy = classifier.Accuracy(model, heldOutExamples);
            adapter.Unmerge();
        }

        var adapterBytes = ServedAdapter.Serialize(adapter, owner);
        var adapterHash = SafeTensorsFile.Hash(adapterBytes);
        var record = new TrainingRecord(
            TrainingRecord.FormatFor(owner),
            new TrainingRecord.BaseModelInfo(BaseModelName(loaded.Manifest), loaded.Manifest.Weights.Keccak, loaded.Manifest.Tokenizer.Keccak),
            new TrainingRecord.DatasetInfo(dataset.Datanet.ToString(), dataset.Version.ToString(), dataset.VersionNumber, dataset.Root.ToString(),
                TaskName(dataset.Task), dataset.Examples.Count, train.Count, heldOut.Count,
                heldOut.Count > 0 ? "held out when the content hash's last byte mod 10 is 0" : $"none (fewer than {FineTuneDataset.MinExamplesForHeldOut} examples)",
                dataset.Skipped.Select(s => new TrainingRecord.SkippedInfo(s.Content.ToString(), s.Reason)).ToList()),
            spec,
            new TrainingRecord.RunInfo(result.Steps, options.WarmupSteps, result.TokensTrained, result.LastLoss,
                Optimizer(options), torch.get_num_threads(), result.EarlyStopping?.BestStep),
            new TrainingRecord.MetricsInfo(result.InitialEvalLoss, result.FinalEvalLoss, baseAccuracy, accuracy, classifier?.Labels.Count,
                classifier is null ? null : heldOutExamples.Count),
            new TrainingRecord.AdapterInfo(adapterHash.ToString(), adapterBytes.Length, adapter.ParameterCount,
                "safetensors: {module}.lora_A [r, in], {module}.lora_B [out, r]; metadata lora_alpha, lora_rank, target_modules"
                + (owner is null ? "" : ", owner")),
            attribution.ToRecord(),
            owner);
        var recordBytes = record.ToBytes();
        return new FineTuneResult(adapterBytes, adapterHash, record, recordBytes, Keccak256.Hash(recordBytes), result, attribution);
    }

    /// <summary>The record's description of the optimisation. A run with none of the later options reads exactly as
    /// records always have (their bytes, and so their hashes, must not change).</summary>
    private static string Optimizer(TrainerOptions options)
    {
        var schedule = options.Schedule switch
        {
            LearningRateSchedule.Linear => $"warmup + linear to {options.MinLearningRateRatio} x",
            LearningRateSchedule.Constant => "warmup + constant",
            _ => $"warmup + cosine to {options.MinLearningRateRatio} x",
        };
        var text = $"AdamW(beta1 {options.Beta1}, beta2 {options.Beta2}, eps {options.Epsilon}, weight decay 0), {schedule}, clip {options.MaxGradientNorm}";
        if (options.LabelSmoothing > 0) text += $", label smoothing {options.LabelSmoothing}";
        if (options.EarlyStoppingPatience is { } patience) text += $", early stopping after {patience} held-out evaluations without a lower loss (best weights kept)";
        return text;
    }

    public static string TaskName(TaskKind task) => task switch
    {
        TaskKind.Text => "text",
        TaskKind.PromptCompletion => "prompt-completion",
        TaskKind.TextLabel => "text-label",
        _ => task.ToString(),
    };

    private static TokenBatches Batches(TaskKind task, ITextTokenizer tokenizer, IReadOnlyList<DatasetExample> examples, int context,
        int batchSize, long seed, int pad) =>
        TokenBatches.FromMaskedExamples(examples.Select(e => TaskPrompt.Row(task, tokenizer, e.Example, context + 1)), context, batchSize, seed, pad);
}
