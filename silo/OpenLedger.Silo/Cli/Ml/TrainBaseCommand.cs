using OpenLedger.Cli.CommandLine;
using System.Globalization;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Training;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml train-base`: runs the built-in base model's recipe (WordNet 3.0 → BPE tokenizer → small
/// GPT-2) into a directory, printing progress and the final hashes. Ctrl+C stops between steps; with --checkpoint DIR
/// the run can be continued by running the same command again.</summary>
public static class TrainBaseCommand
{
    public static int Execute(Args args)
    {
        var output = Path.GetFullPath(args.Get("out", "base-model"));
        var recipe = args.Get("recipe", BaseModelOptions.DefaultRecipe);
        if (!BaseModelOptions.Recipes.TryGetValue(recipe, out var make))
            throw new UsageException($"--recipe must be one of {string.Join(", ", BaseModelOptions.Recipes.Keys)}: '{recipe}'");
        var defaults = make(output);
        var steps = args.GetInt("steps", defaults.Training.Steps ?? 0);
        if (steps < 1) throw new UsageException("--steps must be at least 1");
        var threads = args.GetInt("threads", Environment.ProcessorCount);
        if (threads < 1) throw new UsageException("--threads must be at least 1");
        var every = Math.Max(1, args.GetInt("every", 25));
        // Shape overrides: for trying a variant of a recipe (its output is then no built-in model; the manifest says
        // what was run).
        var model = defaults.Model with
        {
            ModelDim = args.GetInt("dim", defaults.Model.ModelDim, 8, 4096),
            Layers = args.GetInt("layers", defaults.Model.Layers, 1, 64),
            Heads = args.GetInt("heads", defaults.Model.Heads, 1, 64),
        };
        if (model.ModelDim % model.Heads != 0) throw new UsageException($"--dim {model.ModelDim} is not divisible by --heads {model.Heads}");
        var vocab = args.GetInt("vocab", defaults.VocabSize, 260, 65536);
        var options = defaults with
        {
            VocabSize = vocab,
            Model = model with { VocabSize = vocab },
            WordNetDirectory = args.Get("wordnet", defaults.WordNetDirectory),
            Threads = threads,
            Training = defaults.Training with
            {
                Steps = steps,
                BatchSize = args.GetInt("batch", defaults.Training.BatchSize, 1, 4096),
                EvalEvery = Math.Min(defaults.Training.EvalEvery, steps),
                CheckpointDirectory = args.Get("checkpoint") is { } dir ? Path.GetFullPath(dir) : null,
                CheckpointEvery = args.Has("checkpoint") ? 100 : 0,
            },
        };

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            Console.WriteLine($"training the base model '{recipe}' into {output} ({steps} steps, d {model.ModelDim}, {model.Layers} layers, " +
                              $"vocabulary {vocab}, {threads} threads)");
            var manifest = BaseModelRecipe.Train(options, p => Print(p, every), cancel.Token);
            Console.WriteLine($"held-out loss   {manifest.HeldOut.InitialLoss:F4} at step 0 -> {manifest.HeldOut.Loss:F4} " +
                              $"(perplexity {manifest.HeldOut.Perplexity:F2}, {manifest.HeldOut.Tokens} tokens)");
            Console.WriteLine($"parameters      {manifest.Weights.Parameters:N0}, {manifest.Weights.Bytes:N0} bytes");
            Console.WriteLine($"tokenizer       {manifest.Tokenizer.File} keccak {manifest.Tokenizer.Keccak} (vocab {manifest.Tokenizer.VocabSize})");
            Console.WriteLine($"weights         {manifest.Weights.File} keccak {manifest.Weights.Keccak}");
            Console.WriteLine($"wall time       {manifest.Training.WallSeconds:F1} s");
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine(options.Training.CheckpointDirectory is { } checkpoint
                ? $"cancelled; the checkpoint in {checkpoint} continues the run" : "cancelled");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Print(TrainingProgress p, int every)
    {
        if (p.Step != 0 && p.Step % every != 0 && p.Step != p.TotalSteps && p.EvalLoss is null) return;
        var line = p.Step == 0
            ? $"step {0,6}/{p.TotalSteps}"
            : string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step,6}/{p.TotalSteps}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {p.TokensPerSecond,8:F0} tok/s  ETA {p.Eta:hh\\:mm\\:ss}");
        if (p.EvalLoss is { } eval) line += string.Create(CultureInfo.InvariantCulture, $"  held-out {eval:F4}");
        Console.WriteLine(line);
    }
}
