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
    public const string DefaultName = BaseModelOptions.DefaultRecipe;

    /// <summary>The recipe every node served before there was a catalog (the only built-in model then): what a data
    /// directory from that time was serving.</summary>
    public const string FirstName = "wordnet-1m";

    public static string Root => Path.Combine(AppContext.BaseDirectory, "BaseModel", "builtin");

    /// <summary>The shipped directory of recipe <paramref name="recipe"/>.</summary>
    public static string DirectoryOf(string recipe) => Path.Combine(Root, recipe);

    /// <summary>The shipped models present beside the application, oldest recipe first: (recipe, directory, on-chain name).</summary>
    public static IReadOnlyList<(string Recipe, string Directory, string Name)> Shipped() =>
        BaseModelOptions.Recipes.Keys
            .Select(r => (Recipe: r, Directory: DirectoryOf(r)))
            .Where(e => IsModelDirectory(e.Directory))
            .Select(e => (e.Recipe, e.Directory, FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(e.Directory))))
            .ToList();

    /// <summary>The directory <paramref name="value"/> names: a shipped recipe, a shipped model's on-chain name
    /// (<c>builtin:0x…</c>, hex in any case), or a path (made absolute, without a trailing separator). Throws <see cref="ArgumentException"/>, naming what
    /// is shipped, when that directory holds no base model: a <c>builtin:</c> name no shipped model has, a recipe this
    /// build does not carry, a path with no <c>base-model.json</c>.</summary>
    public static string Resolve(string value)
    {
        if (BaseModelOptions.Recipes.ContainsKey(value))
            return IsModelDirectory(DirectoryOf(value)) ? DirectoryOf(value)
                : throw new ArgumentException($"the base model '{value}' is not shipped with this build (shipped: {Describe()})");
        if (value.StartsWith("builtin:", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (_, directory, name) in Shipped())
                if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return directory;
            throw new ArgumentException($"no built-in base model is named '{value}' (shipped: {Describe()})");
        }
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
        return IsModelDirectory(path) ? path
            : throw new ArgumentException($"'{value}' is neither a shipped base model nor a base-model directory (no {BaseModelRecipe.ManifestFile} in {path}); " +
                                          $"shipped: {Describe()}");
    }

    /// <summary>The shipped recipe whose directory is <paramref name="directory"/>, or null (a model of one's own).</summary>
    public static string? RecipeAt(string directory) =>
        Shipped().Select(s => s.Recipe).FirstOrDefault(r => string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)),
            DirectoryOf(r), StringComparison.Ordinal));

    /// <summary>What is shipped, for error messages: <c>wordnet-1m = builtin:0x…, …</c>.</summary>
    public static string Describe()
    {
        var shipped = Shipped();
        return shipped.Count == 0 ? "none" : string.Join(", ", shipped.Select(s => $"{s.Recipe} = {s.Name}"));
    }

    private static bool IsModelDirectory(string directory) => File.Exists(Path.Combine(directory, BaseModelRecipe.ManifestFile));
}
