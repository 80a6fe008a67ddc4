using OpenLedger.ML.FineTuning;

namespace OpenLedger.ML.BaseModel;

/// <summary>The base models shipped with the engine, one directory per recipe under <c>BaseModel/builtin/</c>
/// (<see cref="BaseModelOptions.Recipes"/>), and how a <c>--base-model</c> value names one: a directory, a recipe's
/// name (<c>wordnet-1m</c>) or a model's on-chain name (<c>builtin:0x…</c>, the weights' keccak). A newer built-in
/// model never replaces an older one: a model registered over the older base names it by hash, and a node can still
/// serve it and its attribution indexes by that name.</summary>
public static class BaseModelCatalog
{
    /// <summary>The recipe a node serves when not told otherwise.</summary>
    public const string DefaultName = "wordnet-1m";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "BaseModel", "builtin");

    /// <summary>The shipped directory of recipe <paramref name="recipe"/>.</summary>
    public static string DirectoryOf(string recipe) => Path.Combine(Root, recipe);

    /// <summary>The shipped models present beside the application, oldest recipe first: (recipe, directory, on-chain name).</summary>
    public static IReadOnlyList<(string Recipe, string Directory, string Name)> Shipped() =>
        BaseModelOptions.Recipes.Keys
            .Select(r => (Recipe: r, Directory: DirectoryOf(r)))
            .Where(e => File.Exists(Path.Combine(e.Directory, BaseModelRecipe.ManifestFile)))
            .Select(e => (e.Recipe, e.Directory, FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(e.Directory))))
            .ToList();

    /// <summary>The directory <paramref name="value"/> names: a shipped recipe, a shipped model's on-chain name, or a
    /// path (made absolute). Throws <see cref="ArgumentException"/> for a <c>builtin:</c> name no shipped model has.</summary>
    public static string Resolve(string value)
    {
        if (BaseModelOptions.Recipes.ContainsKey(value)) return DirectoryOf(value);
        if (value.StartsWith("builtin:", StringComparison.Ordinal))
        {
            var shipped = Shipped();
            foreach (var (_, directory, name) in shipped)
                if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return directory;
            throw new ArgumentException($"no built-in base model is named '{value}' (shipped: {string.Join(", ", shipped.Select(s => $"{s.Recipe} = {s.Name}"))})");
        }
        return Path.GetFullPath(value);
    }
}
