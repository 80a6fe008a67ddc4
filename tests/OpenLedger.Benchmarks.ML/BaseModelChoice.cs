using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;

namespace OpenLedger.Benchmarks.ML;

/// <summary><c>--base-model DIR</c> of the benchmarks that run on a base model: a directory, a shipped recipe's name
/// (<c>wordnet-1m</c>) or a shipped model's on-chain name (<c>builtin:0x…</c>), resolved as a node resolves it
/// (<see cref="BaseModelCatalog.Resolve"/>); the built-in default when absent. The header line names the model by its
/// on-chain name and shape, so two runs on different bases (base-models.sh) are told apart by their output alone.</summary>
public static class BaseModelChoice
{
    /// <summary>The directory <c>--base-model</c> names; a usage error when it holds no base model.</summary>
    public static string Directory(CommandLine line)
    {
        var value = line.Text("base-model", BaseModelCatalog.DefaultName);
        string directory;
        try
        {
            directory = BaseModelCatalog.Resolve(value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (!File.Exists(Path.Combine(directory, BaseModelRecipe.ManifestFile)))
            throw new UsageException($"--base-model: no {BaseModelRecipe.ManifestFile} in {directory}");
        return directory;
    }

    /// <summary>"base model: builtin:0x… (directory): 128d, 4 layers, 4 heads, vocab 2048, context 64, 1,063,680
    /// parameters; held-out perplexity 44.51 after 2,000 steps".</summary>
    public static string Describe(string directory, BaseModelManifest manifest)
    {
        var c = manifest.Config;
        var training = manifest.Imported is null
            ? $"; held-out perplexity {manifest.HeldOut.Perplexity:0.00} after {manifest.Training.Steps:N0} steps"
            : $"; imported ({manifest.Imported.Source})";
        return $"base model: {FineTuneRun.BaseModelName(manifest)} ({directory}): {c.ModelDim}d, {c.Layers} layers, {c.Heads} heads, vocab {c.VocabSize}, " +
               $"context {c.ContextLength}, {manifest.Weights.Parameters:N0} parameters{training}";
    }
}
