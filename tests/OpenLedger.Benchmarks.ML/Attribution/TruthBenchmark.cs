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
/// Issue 12's truthfulness against ground truth, by retraining. On N WordNet lexname examples a rank-8 adapter is
/// trained on the full set (the lexname recipe, <see cref="RetrainSchedule"/>), indexed (<see cref="InfluenceIndexBuilder"/>),
/// and every held-out query (a test synset with its correct label) attributed against it. Then:
/// <list type="bullet">
/// <item>LDS (<see cref="LinearDatamodeling"/>): adapters retrained on random halves; per query, the Spearman
/// correlation between the summed scores of each half and the retrained adapter's log-probability of the correct
/// label. The engine's scores against, in the same run, plain gradient dot products (no preconditioner), BM25 of the
/// query's text and label (<see cref="Bm25"/>) and label match (1 for a training example with the query's label).</item>
/// <item>Counterfactual: per query, an adapter retrained without its top-k attributed examples, against adapters
/// retrained without k random examples (shared by all queries: a random removal does not depend on the query); the
/// drop in the query's correct-label log-probability from the full-set adapter, every retrain as long (in steps) as
/// the full-set one.</item>
/// </list>
/// The full-set adapter's test accuracy is reported beside them: the numbers mean something only if the task is learnt.
/// </summary>
public static class TruthBenchmark
{
    private const double LdsTarget = 0.3;

    public static Task<int> RunAsync(CommandLine line)
    {
        var o = TruthBenchmarkOptions.From(line);
        var total = Stopwatch.StartNew();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(o.Threads);
        Console.WriteLine("# Attribution truthfulness: linear datamodeling score and counterfactual retraining");
        Console.WriteLine();
        Console.WriteLine(MachineInfo.Describe(torch.get_num_threads()));
        void Progress(string what) => Console.Error.WriteLine($"  [{total.Elapsed.TotalMinutes:0.0} min] {what}");

        using var loaded = BaseModelRecipe.Load(o.BaseModel);
        Console.WriteLine(BaseModelChoice.Describe(o.BaseModel, loaded.Manifest));
        var corpus = WordNetCorpus.Load(WordNetCorpus.DefaultDirectory);
        var task = LexnameTask.Build(corpus, loaded.Manifest, o.Examples, o.Test);
        var train = task.Train.Select(e => e.Example).ToList();
        var test = task.Test.Select(e => e.Example).ToList();
        var examples = train.Select(e => LexnameAdapterSetup.Indexed(loaded, e)).ToList();
        var rows = examples.Select(e => e.Row).ToList();
        var queries = test.Take(o.Queries).ToList();
        var queryRows = queries.Select(q => LexnameAdapterSetup.Row(loaded, q)).ToList();

        var schedule = new RetrainSchedule(o.Epochs, o.BatchSize, o.Seed);
        var fullSteps = schedule.Steps(rows.Count);
        var (adapter, trained) = LexnameAdapterSetup.Train(loaded, rows, fullSteps, o.BatchSize, o.Seed);
        var index = InfluenceIndexBuilder.Build(loaded.Model, adapter, examples, o.Projection, Preconditioner.DefaultKind);
        var plain = new InfluenceIndex(index.Projection, index.Layout, index.Rows.ToArray(), index.ContributionOfRow.ToArray(), index.Contributions,
            Preconditioner.Identity);
        var engine = new List<double[]>();
        var dot = new List<double[]>();
        using (var query = new InfluenceQuery(loaded.Model, adapter, index))
        {
            foreach (var row in queryRows)
            {
                var gradient = query.Gradient(row);
                engine.Add(index.Score(gradient).Select(s => (double)s).ToArray());
                dot.Add(plain.Score(gradient).Select(s => (double)s).ToArray());
            }
        }
        var fullLogProbabilities = AnswerLoss.Of(loaded.Model, queryRows).Select(l => -l).ToArray();
        var labels = task.TrainLabels;
        adapter.Merge();
        var accuracy = new LabelClassifier(loaded.Tokenizer, labels).Accuracy(loaded.Model, test);
        adapter.Remove(loaded.Model);
        Progress($"full-set adapter trained ({trained.Elapsed.TotalSeconds:0} s), indexed, {queries.Count} queries attributed, accuracy {accuracy:P1}");

        var bm25Index = new Bm25(train.Select(e => (e.Input, e.Output)));
        var bm25 = queries.Select(q => bm25Index.Score(q.Input, q.Output)).ToList();
        var labelMatch = queries.Select(q => train.Select(e => string.Equals(e.Output, q.Output, StringComparison.Ordinal) ? 1.0 : 0).ToArray()).ToList();

        Console.WriteLine($"task: {train.Count:N0} WordNet lexname training examples ({labels.Count} labels); {queries.Count} held-out queries (test " +
                          $"synsets, correct label); adapter: rank 8, alpha 16 on all {adapter.Layers.Count} projections, AdamW {LexnameEvaluation.DefaultSpec.LearningRate}, " +
                          $"batch {o.BatchSize}, {o.Epochs:0.#} epochs, every retrain from seed {o.Seed}; index projection k_in " +
                          $"{o.Projection.InputDims}, k_out {o.Projection.OutputDims} ({index.Dimension} floats), per-layer preconditioner");
        Console.WriteLine($"full-set adapter: {fullSteps} steps in {trained.Elapsed.TotalSeconds:0.0} s, final loss {trained.LastLoss:0.000}; test " +
                          $"accuracy {accuracy:P1} on {test.Count} held-out synsets (majority class " +
                          $"{test.GroupBy(e => e.Output).Max(g => g.Count()) / (double)test.Count:P1})");
        Console.WriteLine();

        var summary = new Table("measure", "value", "target", "met");
        summary.Add("full-set adapter test accuracy", $"{accuracy:P1}", "well above the majority class", "-");
        var retrainTimes = new List<double>();

        if (o.RunLds)
        {
            var subsets = LinearDatamodeling.Subsets(rows.Count, o.Subsets, 0.5, o.Seed + 100);
            var subsetSteps = schedule.Steps(subsets[0].Count(m => m));
            var outputs = new List<double[]>();
            foreach (var (member, m) in subsets.Select((s, m) => (s, m)))
            {
                var (logProbabilities, elapsed) = schedule.Retrain(loaded, rows.Where((_, i) => member[i]).ToList(), queryRows, subsetSteps);
                outputs.Add(logProbabilities);
                retrainTimes.Add(elapsed.TotalSeconds);
                if ((m + 1) % 5 == 0)
                {
                    // Running figures on the retrains so far, should a run on a loaded machine have to be cut short.
                    double Running(IReadOnlyList<double[]> scores) => LinearDatamodeling.Mean(LinearDatamodeling.PerQuery(scores, subsets[..(m + 1)], outputs)).Mean;
                    Progress($"LDS retrain {m + 1}/{subsets.Length} ({elapsed.TotalSeconds:0.0} s): running LDS engine {Running(engine):0.000}, " +
                             $"BM25 {Running(bm25):0.000}");
                }
            }
            var scorers = new List<(string Name, IReadOnlyList<double[]> Scores)>
            {
                ($"**the engine**: φᵀPq (per-layer preconditioner, damping {Preconditioner.DefaultDamping})", engine),
                ("plain gradient dot product φᵀq (no preconditioner)", dot),
                ("BM25 of query text + label against example text + label", bm25),
                ("label match (1 if the example has the query's label)", labelMatch),
            };
            var table = new Table("attribution", "LDS (mean Spearman)", "95% interval", "queries with rho > 0");
            var lds = new List<double>();
            foreach (var (name, scores) in scorers)
            {
                var perQuery = LinearDatamodeling.PerQuery(scores, subsets, outputs);
                var (mean, half, undefined) = LinearDatamodeling.Mean(perQuery);
                lds.Add(mean);
                table.Add(name, $"{mean:0.000}", $"± {half:0.000}", $"{perQuery.Count(r => r > 0)} of {perQuery.Length}" + (undefined > 0 ? $" ({undefined} undefined)" : ""));
            }
            Console.WriteLine($"## LDS: {subsets.Length} retrains on random halves ({subsets[0].Count(m => m)} examples, {subsetSteps} steps each), " +
                              $"{queries.Count} queries");
            Console.WriteLine();
            table.Print();
            summary.Add("LDS of the engine", $"{lds[0]:0.000}", $">= {LdsTarget}", lds[0] >= LdsTarget ? "met" : "NOT met");
            summary.Add("LDS of the engine / LDS of BM25", $"{lds[0]:0.000} / {lds[2]:0.000} = {lds[0] / lds[2]:0.00}x", "> 1", lds[0] > lds[2] ? "met" : "NOT met");
            summary.Add("LDS of the engine / plain dot product", $"{lds[0]:0.000} / {lds[1]:0.000} = {lds[0] / lds[1]:0.00}x", "-", "-");
            summary.Add("LDS of the engine / label match", $"{lds[0]:0.000} / {lds[3]:0.000} = {lds[0] / lds[3]:0.00}x", "-", "-");
        }

        if (o.RunCounterfactual)
        {
            var cfQueries = Enumerable.Range(0, o.CounterfactualQueries).ToList();
            var randomSums = new double[cfQueries.Count];
            var randomDone = 0;
            var random = new Random(o.Seed + 200);
            var cfRows = cfQueries.Select(q => queryRows[q]).ToList();
            var topDrops = new double[cfQueries.Count];
            // The random retrains are spread among the per-query ones (before queries 0, n/R, 2n/R, ...), so the running
            // figures printed on the way compare like with like if a run has to be cut short on a loaded machine.
            foreach (var (q, j) in cfQueries.Select((q, j) => (q, j)))
            {
                while (randomDone < o.RandomRetrains && randomDone * cfQueries.Count / o.RandomRetrains <= j)
                {
                    var dropped = Enumerable.Range(0, rows.Count).OrderBy(_ => random.Next()).Take(o.Removed).ToHashSet();
                    var (randomLogProbabilities, randomElapsed) = schedule.Retrain(loaded, rows.Where((_, i) => !dropped.Contains(i)).ToList(), cfRows, fullSteps);
                    retrainTimes.Add(randomElapsed.TotalSeconds);
                    for (var k = 0; k < cfQueries.Count; k++) randomSums[k] += fullLogProbabilities[cfQueries[k]] - randomLogProbabilities[k];
                    randomDone++;
                }
                var removed = Enumerable.Range(0, rows.Count).OrderByDescending(i => engine[q][i]).ThenBy(i => i).Take(o.Removed).ToHashSet();
                var (logProbabilities, elapsed) = schedule.Retrain(loaded, rows.Where((_, i) => !removed.Contains(i)).ToList(), [queryRows[q]], fullSteps);
                retrainTimes.Add(elapsed.TotalSeconds);
                topDrops[j] = fullLogProbabilities[q] - logProbabilities[0];
                if ((j + 1) % 5 == 0)
                    Progress($"counterfactual {j + 1}/{cfQueries.Count} queries, {randomDone} random retrains: mean drop top " +
                             $"{topDrops.Take(j + 1).Average():0.000}, random {randomSums.Take(j + 1).Average() / randomDone:0.000}, top beats random for " +
                             $"{topDrops.Take(j + 1).Where((d, k) => d > randomSums[k] / randomDone).Count()} ({elapsed.TotalSeconds:0.0} s per retrain)");
            }
            var randomDrops = randomSums.Select(d => d / randomDone).ToArray();
            var wins = topDrops.Where((d, j) => d > randomDrops[j]).Count();
            double meanTop = topDrops.Average(), meanRandom = randomDrops.Average();
            var table = new Table("removed before retraining", "mean drop in log p(correct label)", "median drop", "queries with a drop > 0");
            table.Add($"top {o.Removed} attributed by the engine (one retrain per query)", $"{meanTop:0.000}", $"{Percentiles.Of(Percentiles.Sorted(topDrops), 50):0.000}",
                $"{topDrops.Count(d => d > 0)} of {cfQueries.Count}");
            table.Add($"{o.Removed} random (mean of {o.RandomRetrains} retrains, the same for every query)", $"{meanRandom:0.000}",
                $"{Percentiles.Of(Percentiles.Sorted(randomDrops), 50):0.000}", $"{randomDrops.Count(d => d > 0)} of {cfQueries.Count}");
            Console.WriteLine($"## Counterfactual: {cfQueries.Count} queries, {cfQueries.Count + o.RandomRetrains} retrains of {fullSteps} steps on " +
                              $"{rows.Count - o.Removed} examples; drop = log p under the full-set adapter minus log p after removal " +
                              $"(full-set mean log p {cfQueries.Average(q => fullLogProbabilities[q]):0.000})");
            Console.WriteLine();
            table.Print();
            summary.Add($"mean drop: top {o.Removed} / random {o.Removed}", $"{meanTop:0.000} / {meanRandom:0.000}" + (meanRandom > 0 ? $" = {meanTop / meanRandom:0.0}x" : ""),
                "top > random", meanTop > meanRandom ? "met" : "NOT met");
            summary.Add($"queries where top {o.Removed} drops more than random", $"{wins} of {cfQueries.Count}", "a majority",
                wins * 2 > cfQueries.Count ? "met" : "NOT met");
        }

        if (retrainTimes.Count > 0)
            summary.Add("retrain time (training only)", $"mean {retrainTimes.Average():0.0} s, {retrainTimes.Count} retrains, {retrainTimes.Sum() / 60:0.0} min", "-", "-");
        Console.WriteLine("## Summary");
        Console.WriteLine();
        summary.Print();
        Console.WriteLine($"total time {total.Elapsed.TotalMinutes:0.0} min; {MachineInfo.LoadAverage()} load average at the end");
        return Task.FromResult(0);
    }
}
