using System.Globalization;
using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Evaluation;
using OpenLedger.ML.Runtime;
using OpenLedger.Silo.Configuration;
using TorchSharp;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml eval-base`: every shipped base model (or the one given) scored on all the synsets its recipe
/// held out: loss and perplexity per token, and bits per byte, the figure that compares models with different
/// tokenizers.</summary>
public static class EvalBaseCommand
{
    public static int Execute(Args args, TextWriter output)
    {
        var directories = args.Get("base-model") is { } one
            ? [BaseModelOption.Resolve(one, "--base-model")]
            : BaseModelCatalog.Shipped().Select(s => s.Directory).ToList();
        var threads = args.GetInt("threads", Environment.ProcessorCount, 1, 256);
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
        var corpus = WordNetCorpus.Load(args.Get("wordnet", WordNetCorpus.DefaultDirectory));
        output.WriteLine($"{"base model",-20} {"recipe",-11} {"synsets",8} {"tokens",8} {"bytes",8} {"loss/token",10} {"perplexity",10} {"bits/byte",9}");
        foreach (var directory in directories)
        {
            using var loaded = BaseModelRecipe.Load(directory);
            var m = BaseModelHeldOut.Measure(loaded, corpus);
            var recipe = BaseModelCatalog.RecipeAt(directory) ?? "-";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Name[..Math.Min(20, m.Name.Length)],-20} {recipe,-11} {m.Synsets,8} {m.Tokens,8} {m.Bytes,8} {m.LossPerToken,10:F4} {m.Perplexity,10:F2} {m.BitsPerByte,9:F4}"));
        }
        return 0;
    }
}
