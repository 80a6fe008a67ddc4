using System.Text.Json.Nodes;
using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.Silo.Configuration;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.BaseModels;

/// <summary>Which base model an ML silo serves (<see cref="ServedBaseModel.Choose"/>) and how its data directory remembers
/// it: a new data directory gets the default, a restart keeps what the data directory served, an explicit
/// <c>--base-model</c> switches (and is remembered), and a chain begun before the memory existed serves wordnet-1m.</summary>
public sealed class ServedBaseModelTests(TinyBaseModel tiny) : IClassFixture<TinyBaseModel>, IDisposable
{
    private readonly string _data = TestChain.TempDirectory("ol-served-base");
    private string MemoryFile => Path.Combine(_data, ServedBaseModel.FileName);
    private static string Shipped(string recipe) => BaseModelCatalog.DirectoryOf(recipe);
    private static string NameOf(string directory) => FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(directory));

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private JsonNode Remembered() => JsonNode.Parse(File.ReadAllText(MemoryFile))!;

    [Fact]
    public void A_new_data_directory_serves_the_default_and_remembers_it()
    {
        var chosen = ServedBaseModel.Choose(given: null, _data, chainBegun: false);

        Assert.Equal(Shipped(BaseModelCatalog.DefaultName), chosen.Directory);
        Assert.Equal(NameOf(chosen.Directory), chosen.Name);
        Assert.Equal($"base model {BaseModelCatalog.DefaultName} ({chosen.Name}): the default for a new data directory", chosen.Describe());
        Assert.Equal(chosen.Name, (string?)Remembered()["name"]);
        Assert.Equal(chosen.Directory, (string?)Remembered()["directory"]);
    }

    [Fact]
    public void A_restart_without_the_option_keeps_serving_what_the_data_directory_served()
    {
        var first = ServedBaseModel.Choose(given: tiny.Directory, _data, chainBegun: false);
        Assert.Equal((tiny.Directory, tiny.Name), (first.Directory, first.Name));
        Assert.Contains("given by --base-model", first.Reason);

        // Blocks now, and no option: the remembered base, not the default and not the pre-catalog rule.
        var again = ServedBaseModel.Choose(given: null, _data, chainBegun: true);
        Assert.Equal((tiny.Directory, tiny.Name), (again.Directory, again.Name));
        Assert.Equal($"base model {tiny.Name} ({tiny.Directory}): remembered by this data directory", again.Describe());
    }

    [Fact]
    public void An_explicit_option_switches_the_base_and_the_switch_is_remembered()
    {
        ServedBaseModel.Choose(given: tiny.Directory, _data, chainBegun: false);

        var switched = ServedBaseModel.Choose(given: Shipped("wordnet-1m"), _data, chainBegun: true);
        Assert.Equal(Shipped("wordnet-1m"), switched.Directory);
        Assert.Equal(NameOf(Shipped("wordnet-1m")), (string?)Remembered()["name"]);

        var restarted = ServedBaseModel.Choose(given: null, _data, chainBegun: true);
        Assert.Equal(Shipped("wordnet-1m"), restarted.Directory);
        Assert.Equal("remembered by this data directory", restarted.Reason);
    }

    [Fact]
    public void A_chain_begun_before_the_memory_existed_serves_the_first_builtin_model()
    {
        var chosen = ServedBaseModel.Choose(given: null, _data, chainBegun: true);

        Assert.Equal(Shipped("wordnet-1m"), chosen.Directory);
        Assert.Equal(NameOf(Shipped("wordnet-1m")), chosen.Name);
        Assert.Equal("base model wordnet-1m (" + chosen.Name + "): this data directory's chain began before base models were remembered, " +
                     "when wordnet-1m was the only built-in model", chosen.Describe());
        Assert.Equal(chosen.Name, (string?)Remembered()["name"]);
    }

    [Fact]
    public void A_remembered_builtin_model_is_found_by_its_name_when_the_application_has_moved()
    {
        var name = NameOf(Shipped("wordnet-1m"));
        File.WriteAllText(MemoryFile, new JsonObject { ["name"] = name.ToUpperInvariant(), ["directory"] = "/opt/openledger-old/BaseModel/builtin/wordnet-1m" }.ToJsonString());

        var chosen = ServedBaseModel.Choose(given: null, _data, chainBegun: true);

        Assert.Equal((Shipped("wordnet-1m"), name), (chosen.Directory, chosen.Name));
        Assert.Equal(Shipped("wordnet-1m"), (string?)Remembered()["directory"]);   // where it is now
    }

    [Fact]
    public void A_remembered_base_that_is_neither_shipped_nor_there_refuses_the_start()
    {
        File.WriteAllText(MemoryFile, new JsonObject { ["name"] = tiny.Name, ["directory"] = tiny.Directory + "-gone" }.ToJsonString());

        var e = Assert.Throws<UsageException>(() => ServedBaseModel.Choose(given: null, _data, chainBegun: true));
        Assert.Contains($"this data directory served the base model {tiny.Name} (from {tiny.Directory}-gone", e.Message);
        Assert.Contains("Give --base-model DIR holding it", e.Message);
        Assert.Contains("Shipped: wordnet-1m = builtin:0x", e.Message);

        // The option is the way out, and is remembered.
        Assert.Equal(tiny.Directory, ServedBaseModel.Choose(given: tiny.Directory, _data, chainBegun: true).Directory);
        Assert.Equal(tiny.Directory, ServedBaseModel.Choose(given: null, _data, chainBegun: true).Directory);
    }

    [Fact]
    public void An_unreadable_memory_refuses_the_start_and_names_the_file()
    {
        File.WriteAllText(MemoryFile, "wordnet-1m\n");

        var e = Assert.Throws<UsageException>(() => ServedBaseModel.Choose(given: null, _data, chainBegun: true));
        Assert.Contains($"{MemoryFile} is not readable", e.Message);
        Assert.Contains("give --base-model", e.Message);
    }
}
