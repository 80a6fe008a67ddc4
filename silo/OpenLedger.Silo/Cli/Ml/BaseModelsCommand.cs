using System.Globalization;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml base-models`: the base models shipped with this build (<see cref="BaseModelCatalog"/>), what a
/// <c>--base-model</c> value can name without a directory: recipe, on-chain name, size, held-out perplexity, and which one
/// a new node serves.</summary>
public static class BaseModelsCommand
{
    public static int Execute(TextWriter output)
    {
        var rows = BaseModelCatalog.Shipped().Select(s =>
        {
            var m = BaseModelRecipe.ReadManifest(s.Directory);
            return new[]
            {
                s.Recipe, s.Name, $"d {m.Config.ModelDim}, {m.Config.Layers} layers, vocabulary {m.Config.VocabSize}",
                m.Weights.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                m.HeldOut.Perplexity.ToString("F2", CultureInfo.InvariantCulture),
                (m.Weights.Bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
                s.Recipe == BaseModelCatalog.DefaultName ? "default" : "",
            };
        }).ToList();
        string[] header = ["recipe", "on-chain name", "shape", "parameters", "held-out ppl", "weights", ""];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        // Numbers right-aligned, text left-aligned.
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i is 3 or 4 or 5 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(header));
        foreach (var row in rows) output.WriteLine(Line(row));
        output.WriteLine();
        output.WriteLine("A node serves the default on a new data directory and then keeps what its data directory served; --base-model takes a");
        output.WriteLine("recipe, an on-chain name or a directory (an `ml import-gpt2` or `ml train-base` output).");
        output.WriteLine($"Shipped in {BaseModelCatalog.Root}");
        return 0;
    }
}
