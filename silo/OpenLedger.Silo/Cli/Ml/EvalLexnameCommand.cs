using OpenLedger.Cli.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpenLedger.ML.Evaluation;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml eval-lexname`: parses the options, runs <see cref="LexnameEvaluation"/> and prints its table
/// (optionally a JSON report).</summary>
public static class EvalLexnameCommand
{
    public const string Usage = """
        openledger ml eval-lexname: WordNet gloss -> lexicographer category (45 classes); test set = the synsets the
        base model never saw. Reports test accuracy of the majority class, bag-of-words logistic regression, the base
        model and a LoRA adapter fine-tuned on the training sample (Model Factory's FineTuneRun).
          [--train N (training synsets, default 12000)] [--test N (cap on test synsets, default all)]
          [--steps N (default 900) | --epochs X] [--rank N (8)] [--alpha X (16)] [--lr X (0.005)] [--batch N (32)]
          [--seed N (1)] [--threads N (all cores)] [--out FILE (JSON report)] [--wordnet DIR]
          [--base-model M (default: the built-in default; a recipe such as wordnet-1m, builtin:0x<weights keccak> or a
          directory)]
          [--every N (progress lines)] [--schedule cosine|linear|constant] [--label-smoothing X] [--early-stopping N
          (evaluations without a lower held-out loss; keeps the best; default 2)] [--scoring sum|mean (label scores)]
          [--targets attn.c_attn,... (LoRA target modules)] [--adapter-only (skip the baselines: for trying recipes,
          chosen on the printed validation accuracy)]
        """;

    public static int Execute(Args args)
    {
        if (args.Has("help")) { Console.WriteLine(Usage); return 0; }
        var defaults = new LexnameEvaluation.Settings();
        var spec = LexnameEvaluation.DefaultSpec with
        {
            Rank = args.GetInt("rank", LexnameEvaluation.DefaultSpec.Rank),
            Alpha = GetDouble(args, "alpha", LexnameEvaluation.DefaultSpec.Alpha),
            LearningRate = GetDouble(args, "lr", LexnameEvaluation.DefaultSpec.LearningRate),
            Epochs = GetDouble(args, "epochs", LexnameEvaluation.DefaultSpec.Epochs),
            // --epochs replaces the default step budget; --steps wins over both.
            Steps = args.Has("steps") ? args.GetInt("steps", 0) : args.Has("epochs") ? null : LexnameEvaluation.DefaultSpec.Steps,
            BatchSize = args.GetInt("batch", LexnameEvaluation.DefaultSpec.BatchSize),
            Seed = args.GetInt("seed", (int)LexnameEvaluation.DefaultSpec.Seed),
            Schedule = args.Get("schedule") ?? LexnameEvaluation.DefaultSpec.Schedule,
            LabelSmoothing = args.Has("label-smoothing") ? GetDouble(args, "label-smoothing", 0) : LexnameEvaluation.DefaultSpec.LabelSmoothing,
            EarlyStopping = args.Has("early-stopping") ? args.GetInt("early-stopping", 0) : LexnameEvaluation.DefaultSpec.EarlyStopping,
            LabelScoring = args.Get("scoring") ?? LexnameEvaluation.DefaultSpec.LabelScoring,
            TargetModules = args.Get("targets") is { } targets
                ? targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : LexnameEvaluation.DefaultSpec.TargetModules,
        };
        if (spec.Problem() is { } problem) throw new UsageException(problem);
        var threads = args.GetInt("threads", Environment.ProcessorCount);
        if (threads < 1) throw new UsageException("--threads must be at least 1");
        var train = args.GetInt("train", defaults.TrainCount);
        if (train < 1) throw new UsageException("--train must be at least 1");
        int? test = args.Has("test") ? args.GetInt("test", 0) : null;
        if (test is < 1) throw new UsageException("--test must be at least 1");
        var settings = defaults with
        {
            BaseModelDirectory = BaseModelOption.Get(args, defaults.BaseModelDirectory),
            WordNetDirectory = args.Get("wordnet", defaults.WordNetDirectory),
            TrainCount = train,
            TestCap = test,
            Spec = spec,
            Threads = threads,
            ProgressEvery = Math.Max(1, args.GetInt("every", defaults.ProgressEvery)),
            AdapterOnly = args.Has("adapter-only"),
        };
        var output = args.Get("out") is { } o ? Path.GetFullPath(o) : null;

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var report = LexnameEvaluation.Run(settings, Console.Out, cancel.Token);
            Console.WriteLine();
            Console.Write(LexnameEvaluation.Table(report));
            if (output is not null)
            {
                File.WriteAllText(output, JsonSerializer.Serialize(report, LexnameEvaluation.ReportJson));
                Console.WriteLine($"report written to {output}");
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static double GetDouble(Args args, string name, double fallback) =>
        args.Get(name) is { } v
            ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new UsageException($"--{name} expects a number, got '{v}'")
            : fallback;
}
