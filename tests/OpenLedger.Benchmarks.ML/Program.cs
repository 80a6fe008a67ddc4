using OpenLedger.Benchmarks.ML;
using OpenLedger.Benchmarks.ML.Attribution;
using OpenLedger.Benchmarks.ML.Serving;
using OpenLedger.Benchmarks.ML.Training;

// ML benchmark programs: each verb prints its tables, with its references measured in the same run.
//   dotnet run -c Release --project tests/OpenLedger.Benchmarks.ML -- serving [--quick] [--threads 2]
// A new benchmark is one entry in `verbs` (its code in its own folder, e.g. Training/) and its lines in the usage.
var verbs = new Dictionary<string, Func<CommandLine, Task<int>>>(StringComparer.Ordinal)
{
    ["attribution-speed"] = AttributionBenchmark.RunAsync,
    ["attribution-mislabel"] = MislabelBenchmark.RunAsync,
    ["attribution-loop"] = OpenLedger.Benchmarks.ML.AttributionLoop.AttributionLoopBenchmark.RunAsync,
    ["attribution-truth"] = TruthBenchmark.RunAsync,
    ["serving"] = ServingBenchmark.RunAsync,
    ["training"] = TrainingBenchmark.RunAsync,
    ["span-index"] = OpenLedger.Benchmarks.ML.Spans.SpanIndexBenchmark.RunAsync,
};

try
{
    var line = new CommandLine(args);
    if (line.Verb is null or "help" or "--help" or "-h") return PrintUsage();
    if (!verbs.TryGetValue(line.Verb, out var run)) throw new UsageException($"unknown benchmark '{line.Verb}'");
    return await run(line);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    PrintUsage();
    return 2;
}

static int PrintUsage()
{
    Console.WriteLine("""
        OpenLedger ML benchmarks

        usage: dotnet run -c Release --project tests/OpenLedger.Benchmarks.ML -- <benchmark> [options]
               tests/OpenLedger.Benchmarks.ML/base-models.sh OLD NEW   (serving, training, attribution-mislabel and
               attribution-truth in short forms on two base models, back to back)

          attribution-speed        Proof of Attribution's gradient-influence engine on the built-in base (rank-8 adapter,
                                   briefly trained on WordNet lexname): index build per example against a training step,
                                   bytes per example, query latency p50/p99 at 10k examples, scan rate against a plain
                                   streaming read of the same bytes at 10k/100k/1M rows, preconditioners compared
            --threads N              torch intra-op threads (default 1: a query is one short row)
            --examples N             index rows for the latency table (default 10000)
            --real N                 of which real WordNet examples with real gradients (default 1000; the rest copies)
            --queries N              held-out queries timed (default 200)
            --train-steps N          adapter training steps before indexing (default 40)
            --max-rows N             largest synthetic scan (default 1000000; 4 GiB at 1,024 floats per row)
            --k-in N, --k-out N      projection dimensions per side (default 4, 4)
            --seed N                 adapter seed (default 1)

          attribution-loop         Proof of Attribution end to end on one node (dev chain, SQLite, temp directory): a WordNet
                                   datanet, a Model Factory job with its indexes, a burst of paid inferences served by
                                   OpenLoRA and settled by the attribution worker and settlement grain; settlements per
                                   second and the served -> settled delay p50/p99 (watched every 20 ms)
            --quick                  60 examples, 20 steps, 20 inferences (default 200, 40, 100)
            --examples N, --steps N, --inferences N, --block-ms N (default 200)

          attribution-mislabel     Proof of Attribution's truthfulness, mislabeled detection: N WordNet lexname examples,
                                   10% given another random label, a rank-8 adapter fine-tuned on them (the lexname
                                   recipe), training examples ranked by self-influence against random, training loss and
                                   bag-of-words k-NN label disagreement (found at 10%/20% inspected, ROC AUC), the
                                   adapter's test accuracy, and MislabelRule's precision/recall (about 5 minutes)
            --threads N              torch intra-op threads (default 1)
            --examples N             training examples (default 2000; 10791 is the whole lexname training set)
            --flip-percent N         share of labels flipped (default 10)
            --epochs N               training epochs of batch 32 (default 3, as the lexname recipe)
            --test N                 held-out test synsets for accuracy (default 400)
            --held-out N             of which held-out examples for the mean-influence filter (default 100)
            --k N                    neighbours of the bag-of-words baseline (default 10)
            --k-in N, --k-out N      projection dimensions per side (default 4, 4)
            --seed N                 seed of the flips and the adapter (default 1)
            --base-model DIR         the base model: a directory, a shipped recipe (wordnet-1m, wordnet-5m) or its
                                     builtin:0x... name (default: the built-in default)

          attribution-truth        Proof of Attribution's truthfulness against retraining on WordNet lexname: the linear
                                   datamodeling score (Spearman across adapters retrained on random halves, per held-out
                                   query) of the engine against plain gradient dot products, BM25 and label match, and
                                   counterfactual removal of the top-k attributed examples against k random ones, beside
                                   the full-set adapter's test accuracy (105 retrains: 21 + 46 min for the two parts run
                                   side by side under load 20-35; a smoke run: --subsets 3 --cf-queries 2 --test 100)
            --threads N              torch intra-op threads (default 1)
            --examples N             training examples (default 400)
            --epochs N               epochs of every retrain (default 2)
            --batch N                batch size (default 16)
            --subsets N              LDS retrains on random halves (default 50)
            --queries N              held-out queries for LDS (default 100)
            --cf-queries N           of which queries for the counterfactual, one retrain each (default 50)
            --random-retrains N      retrains without k random examples, shared by all queries (default 5)
            --remove N               k, examples removed per counterfactual retrain (default 20)
            --test N                 held-out synsets for accuracy; the queries are the first of them (default 400)
            --parts a,b              lds, counterfactual or both (default both)
            --k-in N, --k-out N      projection dimensions per side (default 4, 4)
            --seed N                 seed of the adapter, the subsets and the random removals (default 1)
            --base-model DIR         the base model: a directory, a shipped recipe (wordnet-1m, wordnet-5m) or its
                                     builtin:0x... name (default: the built-in default)

          serving                  OpenLoRA: one base model serving 1-1000 rank-8 adapters loaded just in
                                   time from a SQLite content store; heterogeneous batches against merging per
                                   request and one adapter per batch, the KV-cached engine against today's, cold
                                   loads, memory per adapter
            --quick                  small counts (a smoke test: about two minutes)
            --threads N              torch intra-op threads (default 2)
            --requests N             requests per heterogeneous (and base-alone) cell (default 512; quick 128)
            --reference-requests N   requests per merge-per-request and one-adapter-per-batch cell, a prefix of the
                                     same requests (default 192; quick 32): these modes are several times slower
            --repeats N              rounds over all cells, each cell reported at its best round (default 3; quick 2)
            --adapters N             adapters generated, stored and cold-loaded one by one; the largest adapter
                                     count of the throughput table (default 1000)
            --max-batch N            the engine's batch size (default 64)
            --in-flight N            requests each cell keeps submitted and unfinished (default 2 x max batch;
                                     0 = all at once)
            --new-tokens N,M         tokens generated per request, one table per count (default 8,64); a count
                                     is capped per request to the context left after its prompt (64 -> 48-56)
            --no-reference           skip today's engine (recompute, no KV cache) at the largest adapter count
            --modes a,b,c            which modes to run: (a) heterogeneous, (b) merge per request, (c) one adapter
                                     per batch (default all; the ratios need a and b)
            --seed N                 seed of the adapters, prompts and popularity draws (default 7)
            --keep                   keep the temporary SQLite store
            --base-model DIR         the base model: a directory, a shipped recipe (wordnet-1m, wordnet-5m) or its
                                     builtin:0x... name (default: the built-in default)

          training                 Model Factory: FineTuneRun (progress callback, checkpoints every 50 steps, as the
                                   job grain runs it) against the same LoRA step in a bare TorchSharp loop over the
                                   same batches, alternated; WordNet lexname task (gloss -> category) as text-label
            --quick                  40 steps, 1000 examples, 2 repeats (a few minutes)
            --threads N              torch intra-op threads (default 2)
            --steps N                optimiser steps per run (default 300)
            --examples N             examples sampled from WordNet (default 4000)
            --batch N                batch size (default 16)
            --rank N                 LoRA rank on every projection, alpha 2 x rank (default 8)
            --repeats N              alternated bare/job pairs (default 3)
            --no-shipped             skip the extra run of the job as shipped (held-out evaluation and accuracy)
            --seed N                 the job's seed (default 1)
            --base-model DIR         the base model: a directory, a shipped recipe (wordnet-1m, wordnet-5m) or its
                                     builtin:0x... name (default: the built-in default)
        """);
    return 0;
}
