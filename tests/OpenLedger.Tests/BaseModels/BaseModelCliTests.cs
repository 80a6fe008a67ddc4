using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.Silo.Configuration;
using OpenLedger.Tests.Cli;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.BaseModels;

/// <summary><c>--base-model</c> on every verb that takes one (run, ml eval-lexname, attribution verify): a recipe, an
/// on-chain name or a directory; anything else is a usage error (exit 2) that says what is shipped. <c>ml base-models</c>
/// lists the shipped models, and a real node says at start which base it serves and why.</summary>
public sealed class BaseModelCliTests
{
    private static string Shipped(string recipe) => BaseModelCatalog.DirectoryOf(recipe);
    private static string NameOf(string directory) => FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(directory));
    private static readonly string Unknown = "builtin:0x" + new string('d', 64);

    [Fact]
    public void Run_takes_a_recipe_an_on_chain_name_or_a_directory()
    {
        string? Given(params string[] options) => NodeSettings.From(new Args(["run", .. options])).BaseModelDirectory;

        Assert.Null(Given());
        Assert.Equal(Shipped("wordnet-1m"), Given("--base-model", "wordnet-1m"));
        Assert.Equal(Shipped("wordnet-1m"), Given("--base-model", NameOf(Shipped("wordnet-1m")).ToUpperInvariant()));
        Assert.Equal(Shipped("wordnet-1m"), Given("--base-model", Shipped("wordnet-1m") + "/"));
        var e = Assert.Throws<UsageException>(() => Given("--base-model", Unknown));
        Assert.StartsWith($"--base-model (or OPENLEDGER_BASE_MODEL): no built-in base model is named '{Unknown}' (shipped: wordnet-1m = builtin:0x", e.Message);
    }

    [Fact]
    public async Task The_node_refuses_to_start_on_a_base_model_that_is_not_there_and_says_what_is_shipped()
    {
        var data = TestChain.TempDirectory("ol-base-model-refused");
        try
        {
            var byOption = await CliNodeFixture.RunExecutableAsync(null, "run", "--data-dir", data, "--base-model", Unknown);
            Assert.Equal(2, byOption.ExitCode);
            Assert.Contains($"no built-in base model is named '{Unknown}' (shipped: wordnet-1m = {NameOf(Shipped("wordnet-1m"))}", byOption.Error);

            var missing = Path.Combine(data, "no-such-model");
            var byEnvironment = await CliNodeFixture.RunExecutableAsync(new Dictionary<string, string> { ["OPENLEDGER_BASE_MODEL"] = missing },
                "run", "--data-dir", data);
            Assert.Equal(2, byEnvironment.ExitCode);
            Assert.Contains($"--base-model (or OPENLEDGER_BASE_MODEL): '{missing}' is neither a shipped base model nor a base-model directory", byEnvironment.Error);
            Assert.False(File.Exists(Path.Combine(data, ServedBaseModel.FileName)));
        }
        finally { Directory.Delete(data, recursive: true); }
    }

    [Theory]
    [InlineData("ml eval-lexname")]
    [InlineData("attribution verify --inference 0x00000000000000000000000000000000000000000000000000000000000000aa")]
    public async Task Eval_lexname_and_attribution_verify_refuse_an_unknown_base_model_with_exit_2(string verb)
    {
        var run = await CliNodeFixture.RunExactlyAsync([.. verb.Split(' '), "--base-model", "wordnet-0m"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--base-model: 'wordnet-0m' is neither a shipped base model nor a base-model directory", run.Error);
        Assert.Contains("shipped: wordnet-1m = builtin:0x", run.Error);
    }

    [Fact]
    public async Task Ml_base_models_lists_every_shipped_model_with_its_name_size_and_quality_and_marks_the_default()
    {
        var run = await CliNodeFixture.RunExecutableAsync(null, "ml", "base-models");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var lines = run.Output.Split('\n');
        Assert.Matches(@"^recipe\s+on-chain name\s+shape\s+parameters\s+held-out ppl\s+weights$", lines[0]);
        foreach (var (recipe, directory, name) in BaseModelCatalog.Shipped())
        {
            var manifest = BaseModelRecipe.ReadManifest(directory);
            var line = Assert.Single(lines, l => l.StartsWith(recipe + " ", StringComparison.Ordinal));
            Assert.Contains($" {name} ", line);
            Assert.Contains($"d {manifest.Config.ModelDim}, {manifest.Config.Layers} layers, vocabulary {manifest.Config.VocabSize}", line);
            Assert.Equal(recipe == BaseModelCatalog.DefaultName, line.EndsWith(" default", StringComparison.Ordinal));
        }
        var first = Assert.Single(lines, l => l.StartsWith("wordnet-1m ", StringComparison.Ordinal));
        Assert.Matches(@" 1,063,680\s+44\.51\s+4\.1 MiB", first);
    }

    [Fact]
    public async Task Ml_eval_base_scores_a_model_on_all_its_held_out_synsets_in_bits_per_byte()
    {
        var run = await CliNodeFixture.RunExactlyAsync(["ml", "eval-base", "--base-model", "wordnet-1m", "--threads", "1"]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var line = Assert.Single(run.Output.Split('\n'), l => l.Contains(" wordnet-1m ", StringComparison.Ordinal));
        // All 1,167 held-out synsets (113,276 bytes of text, 41,426 predicted tokens); on one thread the figures are exact.
        Assert.Matches(@"^builtin:0x086eb160d5 wordnet-1m\s+1167\s+41426\s+113276\s+3\.7322\s+41\.77\s+1\.9692$", line.TrimEnd());
        var bad = await CliNodeFixture.RunExactlyAsync(["ml", "eval-base", "--threads", "0"]);
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task The_help_names_the_forms_and_the_listing()
    {
        var output = new StringWriter();
        Assert.Equal(0, await OpenLedger.Silo.Cli.CliVerbs.RunAsync(["help"], output, new StringWriter()));
        var help = output.ToString();
        Assert.Contains("ml base-models", help);
        Assert.Contains("--base-model M", help);
        Assert.Contains("builtin:0x<weights keccak>", help);
        Assert.Contains("served-base-model.json", help);
    }

    /// <summary>The real executable, twice on one data directory: told the base, then not told; it logs which base it
    /// serves and why, and the second start serves what the first remembered.</summary>
    [Fact]
    public async Task A_node_logs_its_base_and_a_restart_without_the_option_serves_the_remembered_one()
    {
        var root = TestChain.TempDirectory("ol-base-model-node");
        var genesis = Path.Combine(root, "genesis.json");
        await File.WriteAllTextAsync(genesis, new TestChain(accounts: 1).Genesis.ToJson() + "\n");
        var data = Path.Combine(root, "data");
        var name = NameOf(Shipped("wordnet-1m"));
        try
        {
            using (var told = new NodeProcess(data, genesis, baseModel: "wordnet-1m"))
            {
                await told.StartAsync(TimeSpan.FromMinutes(3));
                await SaysAsync(told, $"base model wordnet-1m ({name}): given by --base-model (or OPENLEDGER_BASE_MODEL)");
            }
            Assert.Contains(name, await File.ReadAllTextAsync(Path.Combine(data, ServedBaseModel.FileName)));

            using var again = new NodeProcess(data, genesis, baseModel: null);
            await again.StartAsync(TimeSpan.FromMinutes(3));
            await SaysAsync(again, $"base model wordnet-1m ({name}): remembered by this data directory");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The console logger writes from its own queue: the line may follow the ready line by a moment.</summary>
    private static async Task SaysAsync(NodeProcess node, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!node.Lines.Any(l => l.Contains(line, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the node did not log '{line}'\n{node.Output}");
            await Task.Delay(100);
        }
    }
}
