using System.Text.Json;
using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;

namespace OpenLedger.Silo.Configuration;

/// <summary>The base model an ML silo serves and why. A data directory remembers it (<see cref="FileName"/>: the model's
/// on-chain name and directory) because its chain's models and attribution indexes were trained over that base: an upgraded
/// node started again without <c>--base-model</c> must keep serving it, not the build's newer default. Precedence:
/// <c>--base-model</c> / <c>OPENLEDGER_BASE_MODEL</c> (remembered from then on); the remembered base; for a chain begun
/// before the catalog existed (blocks, nothing remembered) the only built-in model of that time
/// (<see cref="BaseModelCatalog.FirstName"/>); else the default (<see cref="BaseModelCatalog.DefaultName"/>).</summary>
public sealed record ServedBaseModel(string Directory, string Name, string Reason)
{
    public const string FileName = "served-base-model.json";

    /// <summary>Chooses the base and remembers it in <paramref name="dataDirectory"/>. <paramref name="given"/>: the
    /// directory <c>--base-model</c> named (resolved), or null; <paramref name="chainBegun"/>: the node's chain holds blocks
    /// beyond genesis. A remembered base that can no longer be found refuses the start (a <see cref="UsageException"/>).</summary>
    public static ServedBaseModel Choose(string? given, string dataDirectory, bool chainBegun)
    {
        var file = Path.Combine(dataDirectory, FileName);
        var remembered = Read(file);
        var choice =
            given is not null ? At(given, "given by --base-model (or OPENLEDGER_BASE_MODEL)")
            : remembered is not null ? Find(remembered, file)
            : chainBegun ? At(BaseModelOption.Resolve(BaseModelCatalog.FirstName, "the first built-in base model"),
                $"this data directory's chain began before base models were remembered, when {BaseModelCatalog.FirstName} was the only built-in model")
            : At(BaseModelOption.Resolve(BaseModelCatalog.DefaultName, "the default base model"), "the default for a new data directory");
        if (remembered is null || !string.Equals(remembered.Name, choice.Name, StringComparison.OrdinalIgnoreCase)
                               || remembered.Directory != choice.Directory)
            choice.Remember(file);
        return choice;
    }

    /// <summary>The line a node logs at start.</summary>
    public string Describe() =>
        $"base model {(BaseModelCatalog.RecipeAt(Directory) is { } recipe ? $"{recipe} ({Name})" : $"{Name} ({Directory})")}: {Reason}";

    private sealed record Memory(string Name, string Directory);

    private static ServedBaseModel At(string directory, string reason)
    {
        BaseModelManifest manifest;
        try { manifest = BaseModelRecipe.ReadManifest(directory); }
        catch (Exception e) when (e is JsonException or IOException or InvalidDataException)
        {
            throw new UsageException($"{directory} holds no readable base model: {e.Message}");
        }
        return new ServedBaseModel(directory, FineTuneRun.BaseModelName(manifest), reason);
    }

    /// <summary>The remembered base: a shipped model by its on-chain name (the application may have moved since), else
    /// the directory it was served from, if that still holds the same model.</summary>
    private static ServedBaseModel Find(Memory memory, string file)
    {
        const string reason = "remembered by this data directory";
        if (memory.Name.StartsWith("builtin:", StringComparison.OrdinalIgnoreCase))
        {
            try { return At(BaseModelCatalog.Resolve(memory.Name), reason); }
            catch (ArgumentException) { } // not shipped (any more): perhaps still where it was
        }
        if (File.Exists(Path.Combine(memory.Directory, BaseModelRecipe.ManifestFile)) && At(memory.Directory, reason) is var there
            && string.Equals(there.Name, memory.Name, StringComparison.OrdinalIgnoreCase))
            return there;
        throw new UsageException(
            $"this data directory served the base model {memory.Name} (from {memory.Directory}, says {file}), which this build does not ship " +
            $"and which is not there any more; its chain's models were trained over it. Give --base-model DIR holding it, or another " +
            $"base model to switch (models trained over {memory.Name} are then not served). Shipped: {BaseModelCatalog.Describe()}");
    }

    private static Memory? Read(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize<Memory>(File.ReadAllText(file), Json) is { Name.Length: > 0, Directory.Length: > 0 } m ? m
                : throw new JsonException("name or directory missing");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{file} is not readable ({e.Message}): give --base-model to choose the base model again");
        }
    }

    /// <summary>Written beside a temporary name and moved into place, so a crash leaves the old file or the new one.</summary>
    private void Remember(string file)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Memory(Name, Directory), Json) + "\n");
        File.Move(temporary, file, overwrite: true);
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
