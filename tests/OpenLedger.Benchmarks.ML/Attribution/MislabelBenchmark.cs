using System.Diagnostics;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Evaluation;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Runtime;
using TorchSharp;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>
/// Issue 12's first truthfulness benchmark, mislabeled detection: N WordNet lexname training examples, a seeded 10%
/// of them given a different random category, a LoRA adapter fine-tuned on the flipped set with the repo's lexname
/// recipe, then the training examples ranked by self-influence (<see cref="SelfInfluence"/>, φᵀPφ from the index rows
/// and the per-layer preconditioner) against the baselines in the same run: random, the per-example training loss
/// under the fine-tuned adapter, and bag-of-words nearest-neighbour label disagreement. Reports the share of flipped
/// examples found after inspecting 10% and 20% of the data and the ROC AUC, the adapter's held-out test accuracy, and
/// the precision/recall of <see cref="MislabelRule"/> and its held-out-influence variant.
/// </summary>
public static class MislabelBenchmark
{
    public static Task<int> RunAsync(CommandLine line)
    {
        var o = MislabelBenchmarkOptions.From(line);
        var total = Stopwatch.StartNew();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(o.Threads);
        Console.WriteLine("# Attribution truthfulness: mislabeled detection by self-influence");
        Console.WriteLine();
        Console.WriteLine(MachineInfo.Describe(torch.get_num_threads()));
        void Progress(string what) => Console.Error.WriteLine($"  [{total.Elapsed.TotalMinutes:0.0} min] {what}");

        using var loaded = BaseModelRecipe.Load(o.BaseModel);
        Console.WriteLine(BaseModelChoice.Describe(o.BaseModel, loaded.Manifest));
        var corpus = WordNetCorpus.Load(WordNetCorpus.DefaultDirectory);
        var task = LexnameTask.Build(corpus, loaded.Manifest, o.Examples, o.Test);
        var labels = task.TrainLabels;
        var clean = task.Train.Select(e => e.Example).ToList();
        var test = task.Test.Select(e => e.Example).ToList();

        // The noise: a seeded sample of positions, each given a uniformly drawn label other than its own.
        var random = new Random(o.Seed);
        var flippedCount = (int)Math.Round(clean.Count * o.FlipPercent / 100.0);
        var flipped = Enumerable.Range(0, clean.Count).OrderBy(_ => random.Next()).Take(flippedCount).ToHashSet();
        var train = clean.Select((e, i) =>
        {
            if (!flipped.Contains(i)) return e;
            var others = labels.Where(l => !string.Equals(l, e.Output, StringComparison.Ordinal)).ToList();
            return e with { Output = others[random.Next(others.Count)] };
        }).ToList();
        var examples = train.Select(e => LexnameAdapterSetup.Indexed(loaded, e)).ToList();
        var rows = examples.Select(e => e.Row).ToList();

        const int batch = 32;
        var steps = (int)Math.Ceiling(o.Epochs * train.Count / batch);
        var (adapter, trained) = LexnameAdapterSetup.Train(loaded, rows, steps, batch, o.Seed);
        Console.WriteLine($"task: {train.Count:N0} WordNet lexname training examples ({labels.Count} labels), {flipped.Count} ({o.FlipPercent}%) flipped to " +
                          $"another random label (seed {o.Seed}); adapter: rank 8, alpha 16 on all {adapter.Layers.Count} projections, {steps} steps of " +
                          $"batch {batch} ({o.Epochs:0.#} epochs, lr {LexnameEvaluation.DefaultSpec.LearningRate}, final loss {trained.LastLoss:0.000}, " +
                          $"{trained.Elapsed.TotalSeconds:0} s)");
        Progress("trained");

        var index = InfluenceIndexBuilder.Build(loaded.Model, adapter, examples, o.Projection, Preconditioner.DefaultKind);
        Progress($"{index.Count} gradients indexed ({index.Dimension} floats each)");
        var self = SelfInfluence.Of(index);
        // The same rows under other preconditioners (the index's is per-layer at the default damping): fits are cheap.
        double[] SelfUnder(Preconditioner preconditioner) => SelfInfluence.Of(new InfluenceIndex(index.Projection, index.Layout, index.Rows.ToArray(),
            index.ContributionOfRow.ToArray(), index.Contributions, preconditioner)).Select(s => (double)s).ToArray();
        var variants = new List<(string Name, double[] Scores)> { ("self-influence φᵀφ (no preconditioner)", SelfUnder(Preconditioner.Identity)) };
        foreach (var (kind, damping) in new[] { (PreconditionerKind.PerLayer, 1.0), (PreconditionerKind.PerLayer, 0.01), (PreconditionerKind.PerLayer, 0.001),
                     (PreconditionerKind.Global, Preconditioner.DefaultDamping) })
            variants.Add(($"self-influence, {kind} preconditioner, damping {damping}",
                SelfUnder(Preconditioner.Fit(index.Rows, index.Count, index.Layout, kind, damping))));
        var losses = AnswerLoss.Of(loaded.Model, rows);
        Progress("self-influence and losses");
        var neighbours = NeighbourDisagreement.Scores(train.Select(e => e.Input).ToList(), train.Select(e => e.Output).ToList(), o.Neighbours);
        Progress("bag-of-words neighbours");

        // Mean influence on held-out examples (test synsets with their true labels, gradients of the correct answer).
        var meanHeldOut = new double[index.Count];
        using (var query = new InfluenceQuery(loaded.Model, adapter, index))
        {
            var heldOut = test.Take(o.HeldOutQueries).ToList();
            foreach (var example in heldOut)
            {
                var scores = index.Score(query.Gradient(LexnameAdapterSetup.Row(loaded, example)));
                for (var i = 0; i < scores.Length; i++) meanHeldOut[i] += scores[i] / heldOut.Count;
            }
        }
        Progress($"influence on {Math.Min(o.HeldOutQueries, test.Count)} held-out examples");

        var noise = new Random(o.Seed + 1);
        var methods = new List<(string Name, double[] Scores)>
        {
            ($"self-influence φᵀPφ (the index: per-layer preconditioner, damping {Preconditioner.DefaultDamping})", self.Select(s => (double)s).ToArray()),
            ("training loss under the fine-tuned adapter", losses),
            ($"bag-of-words {o.Neighbours}-NN label disagreement (TF-IDF cosine)", neighbours),
            ("negative mean influence on held-out examples", meanHeldOut.Select(m => -m).ToArray()),
            ("self-influence direction only, φᵀPφ / φᵀφ", SelfInfluenceVariants.DirectionOnly(index)),
            ("loss × φᵀPφ / φᵀφ (the gradient's size replaced by the loss)", SelfInfluenceVariants.LossTimesDirection(index, losses)),
            ("random (expected 10% / 20% / 0.5)", Enumerable.Range(0, train.Count).Select(_ => noise.NextDouble()).ToArray()),
        }.Concat(variants).ToList();
        var table = new Table("ranking", "found at 10% inspected", "found at 20% inspected", "ROC AUC");
        foreach (var (name, scores) in methods)
            table.Add(name, $"{DetectionScores.FoundAt(scores, flipped, 0.10):P1}", $"{DetectionScores.FoundAt(scores, flipped, 0.20):P1}",
                $"{DetectionScores.Auc(scores, flipped):0.000}");
        var atTwenty = DetectionScores.FoundAt(methods[0].Scores, flipped, 0.20);

        var rules = new Table("rule", "flagged", "precision", "recall");
        void Rule(string name, IReadOnlyList<int> flags)
        {
            var hits = flags.Count(flipped.Contains);
            rules.Add(name, flags.Count, flags.Count == 0 ? "-" : $"{hits / (double)flags.Count:P1}", $"{hits / (double)flipped.Count:P1}");
        }
        foreach (var share in new[] { 0.10, 0.20 })
        {
            Rule($"top {share:P0} self-influence", MislabelRule.Flag(self, topShare: share));
            Rule($"top {share:P0} self-influence and mean held-out influence < 0", MislabelRule.Flag(self, meanHeldOut, share));
        }
        Progress("ranked");

        // Accuracy last: the adapter merged into the base weights (LabelClassifier scores every label per text).
        var classifier = new LabelClassifier(loaded.Tokenizer, labels);
        adapter.Merge();
        var accuracy = classifier.Accuracy(loaded.Model, test);
        var flippedList = flipped.Order().ToList();
        var memorised = classifier.Accuracy(loaded.Model, flippedList.Select(i => train[i]).ToList());
        var recovered = classifier.Accuracy(loaded.Model, flippedList.Select(i => clean[i]).ToList());
        Progress("accuracy");

        Console.WriteLine($"adapter test accuracy: {accuracy:P1} on {test.Count} held-out synsets (majority class " +
                          $"{test.GroupBy(e => e.Output).Max(g => g.Count()) / (double)test.Count:P1}); on the flipped training examples it predicts the " +
                          $"flipped label for {memorised:P1} and the true label for {recovered:P1}");
        Console.WriteLine();
        Console.WriteLine($"## Flipped examples found ({flipped.Count} of {train.Count:N0}), index projection k_in {o.Projection.InputDims}, k_out {o.Projection.OutputDims}");
        Console.WriteLine();
        table.Print();
        Console.WriteLine($"target >= 80% found at 20% inspected (self-influence): {(atTwenty >= 0.8 ? "met" : "NOT met")} ({atTwenty:P1})");
        Console.WriteLine();
        Console.WriteLine($"## Harmful-data rule (MislabelRule), mean influence over {Math.Min(o.HeldOutQueries, test.Count)} held-out examples");
        Console.WriteLine();
        rules.Print();
        Console.WriteLine($"total time {total.Elapsed.TotalMinutes:0.0} min; {MachineInfo.LoadAverage()} load average at the end");
        return Task.FromResult(0);
    }
}
