using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;

namespace OpenLedger.Tests.BaseModels;

/// <summary>How a <c>--base-model</c> value names a base model (<see cref="BaseModelCatalog.Resolve"/>): a shipped recipe,
/// a shipped model's on-chain name in any hex case, or a directory; anything else is refused with what is shipped.</summary>
public sealed class BaseModelCatalogTests
{
    private static string NameOf(string directory) => FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(directory));

    [Fact]
    public void Every_shipped_directory_is_a_recipe_and_the_first_model_and_the_default_are_shipped()
    {
        var onDisk = Directory.GetDirectories(BaseModelCatalog.Root).Select(Path.GetFileName).Order().ToList();
        Assert.All(onDisk, d => Assert.True(BaseModelOptions.Recipes.ContainsKey(d!), $"{d} is shipped but no recipe names it"));
        var shipped = BaseModelCatalog.Shipped();
        Assert.Contains(shipped, s => s.Recipe == BaseModelCatalog.FirstName);
        Assert.Contains(shipped, s => s.Recipe == BaseModelCatalog.DefaultName);
        Assert.Equal(shipped.Count, shipped.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(BaseModelCatalog.DirectoryOf(BaseModelCatalog.DefaultName), BaseModelRecipe.BuiltinDirectory);
    }

    [Fact]
    public void A_recipe_name_resolves_to_its_shipped_directory()
    {
        foreach (var (recipe, directory, _) in BaseModelCatalog.Shipped())
            Assert.Equal(directory, BaseModelCatalog.Resolve(recipe));
        Assert.Equal(BaseModelCatalog.DirectoryOf("wordnet-1m"), BaseModelCatalog.Resolve("wordnet-1m"));
    }

    [Fact]
    public void An_on_chain_name_resolves_in_any_hex_case()
    {
        var first = BaseModelCatalog.DirectoryOf(BaseModelCatalog.FirstName);
        var name = NameOf(first);
        Assert.StartsWith("builtin:0x", name);
        Assert.Equal(first, BaseModelCatalog.Resolve(name));
        Assert.Equal(first, BaseModelCatalog.Resolve(name.ToUpperInvariant()));
        Assert.Equal(first, BaseModelCatalog.Resolve("builtin:0x" + name["builtin:0x".Length..].ToLowerInvariant()));
    }

    [Fact]
    public void An_unknown_on_chain_name_is_refused_naming_what_is_shipped()
    {
        var unknown = "builtin:0x" + new string('a', 64);
        var e = Assert.Throws<ArgumentException>(() => BaseModelCatalog.Resolve(unknown));
        Assert.Contains($"no built-in base model is named '{unknown}'", e.Message);
        Assert.Contains($"wordnet-1m = {NameOf(BaseModelCatalog.DirectoryOf("wordnet-1m"))}", e.Message);
    }

    [Fact]
    public void A_directory_resolves_to_its_full_path_and_a_missing_one_is_refused()
    {
        var shipped = BaseModelCatalog.DirectoryOf("wordnet-1m");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, shipped);
        Assert.Equal(shipped, BaseModelCatalog.Resolve(relative));

        var missing = Path.Combine(Path.GetTempPath(), "ol-no-base-model-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<ArgumentException>(() => BaseModelCatalog.Resolve(missing));
        Assert.Contains($"neither a shipped base model nor a base-model directory (no base-model.json in {missing})", e.Message);
        Assert.Contains("shipped: wordnet-1m = builtin:0x", e.Message);
        // A recipe's name in another case is no recipe: read as a (missing) directory, refused the same way.
        Assert.Throws<ArgumentException>(() => BaseModelCatalog.Resolve("WordNet-1M"));
    }

    [Fact]
    public void The_recipe_at_a_shipped_directory_is_named_and_a_directory_of_ones_own_is_not()
    {
        Assert.Equal("wordnet-1m", BaseModelCatalog.RecipeAt(BaseModelCatalog.DirectoryOf("wordnet-1m")));
        Assert.Equal("wordnet-1m", BaseModelCatalog.RecipeAt(BaseModelCatalog.DirectoryOf("wordnet-1m") + Path.DirectorySeparatorChar));
        Assert.Null(BaseModelCatalog.RecipeAt(Path.GetTempPath()));
    }
}
