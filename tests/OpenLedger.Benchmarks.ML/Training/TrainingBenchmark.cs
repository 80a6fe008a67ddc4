using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Evaluation;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Tokenizer;
using OpenLedger.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Benchmarks.ML.Training;

/// <summary>
/// Model Factory's training throughput: <see cref="FineTuneRun.Run"/> as the training job grain runs it (a progress
/// callback that publishes the latest report, checkpoints every <see cref="FineTuneRun.DefaultCheckpointEvery"/> steps
/// into a fresh directory) against the same LoRA forward/backward/AdamW step in a bare TorchSharp loop over the same
/// batches (same base model, same adapter install, same <see cref="TokenBatches"/>, same learning rates and clipping),
/// alternated in one process on the same thread count. The data is WordNet's lexname task (gloss → lexicographer
/// category, <see cref="LexnameTask"/>) as a text-label datanet.
/// <para>The compared job trains on the examples FineTuneDataset does not hold out (their content hash's last byte mod
/// 10 is not 0), so it holds nothing out and does exactly the bare loop's work plus its own bookkeeping; the job as
/// shipped, with its held-out evaluation and accuracy before and after, is timed once more for reference.</para>
/// </summary>
public static class TrainingBenchmark
{
    private const double OverheadTarget = 0.90;

    public static Task<int> RunAsync(CommandLine line)
    {
        var options = TrainingBenchmarkOptions.From(line);
        var total = Stopwatch.StartNew();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(options.Threads);
        Console.WriteLine($"# Model Factory training benchmark{(options.Quick ? " (--quick)" : "")}");
        Console.WriteLine();
        Console.WriteLine(MachineInfo.Describe(torch.get_num_threads()));

        var baseDirectory = options.BaseModel;
        BaseModelManifest manifest;
        ITextTokenizer tokenizer;
        using (var loaded = BaseModelRecipe.Load(baseDirectory))
        {
            manifest = loaded.Manifest;
            tokenizer = loaded.Tokenizer;
        }
        var config = manifest.Config;
        var spec = options.Spec;
        Console.WriteLine(BaseModelChoice.Describe(baseDirectory, manifest));
        Console.WriteLine($"LoRA rank {spec.Rank}, alpha {spec.Alpha} on {string.Join(", ", spec.TargetModules)}; AdamW lr {spec.LearningRate}, " +
                          $"batch {spec.BatchSize}, {spec.Steps} steps");

        var clock = Stopwatch.StartNew();
        var corpus = WordNetCorpus.Load(WordNetCorpus.DefaultDirectory);
        var task = LexnameTask.Build(corpus, manifest, options.Examples);
        var shipped = Dataset(task.Train.Select(e => e.Example).ToList());
        var trainOnly = Dataset(task.Train.Select(e => e.Example).Where(e => !FineTuneDataset.IsHeldOut(ContentHash(e))).ToList());
        if (trainOnly.Split().HeldOut.Count != 0) throw new InvalidOperationException("the compared job would hold examples out");
        var eot = tokenizer.EndOfTextId;
        // Exactly the batches FineTuneRun builds from its training examples.
        var batches = TokenBatches.FromMaskedExamples(
            trainOnly.Examples.Select(e => TaskPrompt.Row(TaskKind.TextLabel, tokenizer, e.Example, config.ContextLength + 1)),
            config.ContextLength, spec.BatchSize, spec.Seed, eot);
        Console.WriteLine($"data: WordNet lexname task (gloss -> lexicographer category), {task.Train.Count} examples sampled, " +
                          $"{trainOnly.Examples.Count} not held out by content hash ({task.TrainLabels.Count} labels); {batches.RowCount} rows, " +
                          $"{batches.TargetTokenCount / (double)batches.RowCount:0.0} target tokens per row (label + end-of-text), " +
                          $"{batches.BatchesPerEpoch} batches per epoch; loaded in {clock.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine();

        // Warm-up (JIT, libtorch's allocator and thread pool): not reported.
        Bare(baseDirectory, batches, spec with { Steps = 2 });
        Job(baseDirectory, trainOnly, spec with { Steps = 2 });
        Console.Error.WriteLine($"  [{total.Elapsed.TotalMinutes:0.0} min] warmed up");

        var cpu = new CpuShare();
        var runs = new List<Measurement>();
        var table = new Table("run", "variant", "steps", "tokens", "rows", "seconds", "tokens/s", "rows/s", "final loss");
        for (var repeat = 1; repeat <= options.Repeats; repeat++)
        {
            foreach (var measurement in new[] { Bare(baseDirectory, batches, spec), Job(baseDirectory, trainOnly, spec) })
            {
                runs.Add(measurement with { Repeat = repeat });
                Console.Error.WriteLine($"  [{total.Elapsed.TotalMinutes:0.0} min] run {repeat}: {measurement.Variant}: {measurement.Seconds:0.00} s, " +
                                        $"{measurement.TokensPerSecond:0} tokens/s{(measurement.EndToEnd is { } e ? $" ({e.TotalSeconds:0.00} s end to end)" : "")}");
                AddRow(table, repeat.ToString(), measurement);
                if (measurement.EndToEnd is { } wall) AddRow(table, repeat.ToString(), measurement with { Variant = "job, end to end", Seconds = wall.TotalSeconds });
            }
        }
        Measurement? asShipped = null;
        if (options.Shipped)
        {
            asShipped = Job(baseDirectory, shipped, spec) with { Variant = "job as shipped, end to end" };
            asShipped = asShipped with { Seconds = asShipped.EndToEnd!.Value.TotalSeconds };
        }
        Console.WriteLine("## Runs (alternated)");
        Console.WriteLine();
        table.Print();
        Console.WriteLine($"during the runs {cpu.Others()}; load average {MachineInfo.LoadAverage()}");
        Console.WriteLine();

        var bare = runs.Where(r => r.Variant == BareName).ToList();
        var job = runs.Where(r => r.Variant == JobName).ToList();
        var jobWall = job.Select(r => r with { Variant = "job, end to end", Seconds = r.EndToEnd!.Value.TotalSeconds }).ToList();
        var summary = new Table("variant", "steps", "tokens", "best s", "median s", "best tokens/s", "median tokens/s", "job/bare (best)", "job/bare (median)");
        var bareBest = bare.Max(r => r.TokensPerSecond);
        var bareMedian = Median(bare.Select(r => r.TokensPerSecond));
        foreach (var group in new[] { bare, job, jobWall })
        {
            var best = group.Max(r => r.TokensPerSecond);
            var median = Median(group.Select(r => r.TokensPerSecond));
            summary.Add(group[0].Variant, group[0].Steps, group[0].Tokens, $"{group.Min(r => r.Seconds):0.00}", $"{Median(group.Select(r => r.Seconds)):0.00}",
                $"{best:0}", $"{median:0}", $"{best / bareBest:0.000}", $"{median / bareMedian:0.000}");
        }
        if (asShipped is not null)
            summary.Add(asShipped.Variant, asShipped.Steps, asShipped.Tokens, $"{asShipped.Seconds:0.00}", "", $"{asShipped.TokensPerSecond:0}", "",
                $"{asShipped.TokensPerSecond / bareBest:0.000}", $"{asShipped.TokensPerSecond / bareMedian:0.000}");
        Console.WriteLine($"## Summary ({options.Repeats} alternated runs each, {torch.get_num_threads()} threads)");
        Console.WriteLine();
        summary.Print();

        var ratio = Median(job.Select(r => r.TokensPerSecond)) / bareMedian;
        var bestRatio = job.Max(r => r.TokensPerSecond) / bareBest;
        Console.WriteLine($"job training loop / bare loop: {ratio:0.000} (median), {bestRatio:0.000} (best); target >= {OverheadTarget:0.00} " +
                          $"(overhead <= {1 - OverheadTarget:P0}): {(ratio >= OverheadTarget ? "met" : "NOT met")}");
        var lossGap = Math.Abs(bare[0].FinalLoss - job[0].FinalLoss);
        Console.WriteLine($"same work: final training loss bare {bare[0].FinalLoss:0.00000} vs job {job[0].FinalLoss:0.00000} (|diff| {lossGap:0.0e0}); " +
                          $"tokens {bare[0].Tokens} vs {job[0].Tokens}");
        if (bare.Any(b => b.Tokens != job[0].Tokens) || job.Any(j => j.Tokens != bare[0].Tokens))
            throw new InvalidOperationException("the bare loop and the job trained on different tokens");
        Console.WriteLine("tokens: target tokens trained (what the job reports as tokensTrained: the label and end-of-text, prompts masked out); " +
                          "rows: training rows (each a full forward/backward over its prompt); job: its training loop as Trainer times it " +
                          $"(progress callback, checkpoints every {FineTuneRun.DefaultCheckpointEvery} steps and at the end, {job[0].Checkpoints} writes); " +
                          "job, end to end: FineTuneRun.Run's wall time (base model load and check, tokenizing the examples, adapter and record serialisation)");
        if (asShipped is not null)
            Console.WriteLine($"job as shipped: all {shipped.Examples.Count} examples, {shipped.Split().HeldOut.Count} held out: held-out loss every " +
                              $"{Math.Max(1, spec.Steps!.Value / 10)} steps and label accuracy (likelihood over {task.TrainLabels.Count} labels) before and after; " +
                              $"its training loop alone took {asShipped.LoopSeconds:0.00} s");
        // The job's end-to-end time includes building the adapter's attribution indexes over its training examples.
        var index = Median(job.Select(r => r.Index!.Value.TotalSeconds));
        var perRow = Median(job.Select(r => r.LoopSeconds / r.Rows));
        Console.WriteLine($"attribution indexes (influence + span) built by the job: {index:0.00} s (median) for {job[0].IndexRows} examples, " +
                          $"{1000 * index / job[0].IndexRows:0.00} ms per example against {1000 * perRow:0.00} ms per training row of a step " +
                          $"({index / job[0].IndexRows / perRow:0.00} x)");
        Console.WriteLine();
        Console.WriteLine($"total time {total.Elapsed.TotalMinutes:0.0} min");
        return Task.FromResult(0);
    }

    private const string BareName = "bare TorchSharp loop";
    private const string JobName = "job (FineTuneRun), training loop";

    private sealed record Measurement(string Variant, int Steps, long Tokens, long Rows, double Seconds, double FinalLoss, TimeSpan? EndToEnd = null,
        int Checkpoints = 0, double LoopSeconds = 0, int Repeat = 0, TimeSpan? Index = null, int IndexRows = 0)
    {
        public double TokensPerSecond => Tokens / Seconds;
        public double RowsPerSecond => Rows / Seconds;
    }

    private static void AddRow(Table table, string run, Measurement m) =>
        table.Add(run, m.Variant, m.Steps, m.Tokens, m.Rows, $"{m.Seconds:0.00}", $"{m.TokensPerSecond:0}", $"{m.RowsPerSecond:0.0}", $"{m.FinalLoss:0.0000}");

    /// <summary>The step as a plain TorchSharp program would write it: the base model with the same adapter installed,
    /// AdamW over the adapter's parameters (the trainer's order), the job's learning-rate schedule and clipping, batch
    /// k of the same <see cref="TokenBatches"/>. Setup is not timed; the loop is.</summary>
    private static Measurement Bare(string baseDirectory, TokenBatches data, FineTuneSpec spec)
    {
        using var loaded = BaseModelRecipe.Load(baseDirectory);
        var model = loaded.Model;
        LoraAdapter.Apply(model, spec.Lora, spec.Seed);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        var steps = spec.Steps!.Value;
        // The job's schedule (FineTuneRun): warmup min(100, steps / 10), cosine to 0.1 x, no weight decay, clip 1.
        var schedule = new TrainerOptions { Steps = steps, LearningRate = spec.LearningRate, WarmupSteps = Math.Min(100, steps / 10) };
        using var optimizer = new AdamWOptimizer(parameters, 0.9, 0.999, 1e-8, 0);
        model.train();
        long tokens = 0, rows = 0;
        var loss = double.NaN;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            var learningRate = schedule.LearningRateAt(step, steps);
            using var scope = torch.NewDisposeScope();
            using var batch = data.Batch(step);
            optimizer.ZeroGrad();
            var l = model.Loss(batch.Inputs, batch.Targets, batch.Mask);
            l.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.Update(learningRate);
            loss = l.item<float>();
            tokens += batch.TokenCount;
            rows += batch.Inputs.shape[0];
        }
        var seconds = clock.Elapsed.TotalSeconds;
        return new Measurement(BareName, steps, tokens, rows, seconds, loss);
    }

    /// <summary>FineTuneRun.Run as TrainingJobGrain calls it: a progress callback that publishes the latest report for
    /// the grain's timer, checkpoints into a fresh job directory every 50 steps.</summary>
    private static Measurement Job(string baseDirectory, FineTuneDataset dataset, FineTuneSpec spec)
    {
        var checkpoints = Path.Combine(Path.GetTempPath(), "ol-bench-training-" + Guid.NewGuid().ToString("N"));
        TrainingProgress? latest = null;
        var writes = 0;
        try
        {
            var clock = Stopwatch.StartNew();
            var result = FineTuneRun.Run(baseDirectory, dataset, spec, checkpoints, p =>
            {
                Volatile.Write(ref latest, p);
                if (p.Step > 0 && (p.Step % FineTuneRun.DefaultCheckpointEvery == 0 || p.Step == p.TotalSteps)) writes++;
            });
            var wall = clock.Elapsed;
            if (Volatile.Read(ref latest)?.Step != spec.Steps) throw new InvalidOperationException("the job did not report its last step");
            var rows = (long)spec.Steps!.Value * Math.Min(spec.BatchSize, dataset.Split().Train.Count);
            var loop = result.Training.Elapsed.TotalSeconds;
            return new Measurement(JobName, result.Training.Steps, result.Training.TokensTrained, rows, loop, result.Training.LastLoss, wall, writes, loop,
                Index: result.Attribution.Elapsed, IndexRows: result.Attribution.Rows);
        }
        finally
        {
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        }
    }

    private static Hash32 ContentHash(TaskExample example) => Keccak256.Hash(TaskExampleFormat.Format(TaskKind.TextLabel, example));

    /// <summary>A datanet version of these examples, as the job grain's loader builds one (content hashes of the
    /// contributions' bytes, their Merkle root).</summary>
    private static FineTuneDataset Dataset(IReadOnlyList<TaskExample> examples)
    {
        var items = examples.Select(e => new DatasetExample(ContentHash(e), e)).ToList();
        var root = MerkleTree.Root(items.Select(e => e.Content).ToList());
        var datanet = Keccak256.Hash("openledger/benchmarks/training/lexname");
        var version = Keccak256.Hash([.. datanet.ToArray(), .. root.ToArray()]);
        return new FineTuneDataset(datanet, version, 1, root, TaskKind.TextLabel, items, []);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
