using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Mistakes on the command line: exit code 2 and a message naming the option, before anything reaches a node.
/// The verbs point at a port where no node listens, so a verb that tried to connect would say so instead.</summary>
public sealed class MarketplaceCliUsageTests : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-cli-usage");
    private readonly string _genesis;
    private readonly string _port = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string SomeId = Keccak256.Hash("some id").ToString();

    public MarketplaceCliUsageTests()
    {
        _genesis = Path.Combine(_dir, "genesis.json");
        File.WriteAllText(_genesis, new TestChain(accounts: 2).Genesis.ToJson());
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "datanet create --dev 0 --description nameless", "--name is required" },
        { "datanet create --dev 0 --name n --task images", "--task must be one of text|prompt-completion|text-label, not 'images'" },
        { "datanet create --dev 0 --name n --fee-per-kb ten", "--fee-per-kb 'ten' is not an amount of OPEN" },
        { "datanet create --dev 0 --name n --curators 0x1234", "--curators: '0x1234' is not an address" },
        { "datanet create --dev 9 --name n", "--dev must be 0..1" },
        { "datanet create --name n", "give the sender's key" },
        { "datanet create --key 0xzz --name n", "--key must be a 32-byte private key" },
        { "datanet show --id 0x1234", "--id '0x1234' is not a datanet id (0x + 64 hex)" },
        { "datanet show", "--id is required" },
        { "datanet update --dev 0 --id " + SomeId, "give at least one" },
        { "datanet drop --id " + SomeId, "usage: openledger datanet create|update|show|list" },
        { "curate --dev 0 --contribution nope --approve", "--contribution 'nope' is not a contribution id" },
        { "curate --dev 0 --contribution " + SomeId, "give exactly one of --approve and --reject" },
        { "curate --dev 0 --contribution " + SomeId + " --approve --reject", "give exactly one of --approve and --reject" },
        { "curate --dev 0 --contribution " + SomeId + ",nope --approve", "--contribution 'nope' is not a contribution id" },
        { "curate --dev 0 --contribution " + SomeId + " --all-pending --datanet " + SomeId + " --approve", "give either ids (--contribution, --file) or --all-pending --datanet ID, not both" },
        { "curate --dev 0 --all-pending --approve", "--datanet is required" },
        { "curate --dev 0 --contribution " + SomeId + " --contributor " + SomeId[..42] + " --approve", "--contributor filters --all-pending" },
        { "curate --dev 0 --all-pending --datanet " + SomeId + " --without-near-duplicates --near-duplicates-only --approve", "at most one of --without-near-duplicates and --near-duplicates-only" },
        { "curate --dev 0 --all-pending --datanet " + SomeId + " --limit 0 --approve", "--limit must be 1..1000" },
        { "curate --dev 0 --all-pending --datanet " + SomeId + " --contributor 0x12 --approve", "--contributor '0x12' is not an address" },
        { "curate --dev 0 --file /no/such/ids.txt --approve", "--file: no such file: /no/such/ids.txt" },
        { "curate --dev 0 --approve", "--contribution is required" },
        { "contribute --dev 0 --datanet " + SomeId, "give at least one file or directory" },
        { "contribute --dev 0 --datanet " + SomeId + " --jsonl /no/such/examples.jsonl", "--jsonl: no such file: /no/such/examples.jsonl" },
        { "datanet review", "--id is required" },
        { "datanet review --id " + SomeId + " --limit 0", "--limit must be 1..1000" },
        { "contribute --dev 0 --datanet " + SomeId + " /no/such/file.txt", "no such file or directory: /no/such/file.txt" },
        { "publish-version --dev 0 --datanet 12", "--datanet '12' is not a datanet id" },
        { "model register --dev 0 --base-model b --adapter " + SomeId + " --training-record " + SomeId + " --versions " + SomeId + " --price 1", "--name is required" },
        { "model register --dev 0 --name m --base-model b --adapter " + SomeId + " --training-record " + SomeId + " --versions " + SomeId + " --price 1 --owner-bps 8000", "must sum to 10000" },
        { "model register --dev 0 --name m --base-model b --adapter " + SomeId + " --training-record " + SomeId + " --versions " + SomeId + "," + SomeId + " --price 1", "datanetVersions lists a version twice" },
        { "model update --dev 0 --id " + SomeId + " --adapter " + SomeId, "needs all of --adapter, --training-record and --versions" },
        { "model update --dev 0 --id " + SomeId + " --status paused", "--status must be one of active|retired" },
        { "infer --dev 0 --model " + SomeId, "exactly one of --input-file FILE and --input-hash HASH" },
        { "post-result --operator serving --inference " + SomeId, "--output-hash is required" },
        { "post-result --operator gpu --inference " + SomeId + " --output-hash " + SomeId, "--operator must be serving or attribution" },
        { "settle --operator attribution --inference " + SomeId + " --record " + SomeId + " --attributions " + SomeId + ":x", "is not CONTRIBUTION_ID:WEIGHT" },
        { "settle --operator attribution --inference " + SomeId + " --record " + SomeId, "--attributions is required" },
        { "rewards --address 0x12", "--address '0x12' is not an address" },
        { "statement", "usage: openledger statement (--address ADDRESS | --datanet ID | --model ID)" },
        { "statement --address 0x12", "--address '0x12' is not an address" },
        { "statement --address 0x1111111111111111111111111111111111111111 --datanet " + SomeId, "usage: openledger statement" },
        { "statement --datanet " + SomeId + " --from -3", "--from is a block height" },
        { "statement --model " + SomeId + " --first 0", "--first '0' is not a number from 1" },
        { "proof --contribution " + SomeId + " --version 0", "--version '0' is not a version number" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_is_exit_code_2_with_a_clear_message_and_no_connection(string commandLine, string message)
    {
        var argv = commandLine.Split(' ').Concat(["--node", $"http://127.0.0.1:{_port}/graphql", "--genesis", _genesis]).ToArray();
        var clock = Stopwatch.StartNew();
        var r = await CliNodeFixture.RunExactlyAsync(argv);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Error);
        Assert.Contains("run `openledger help` for usage", r.Error);
        Assert.DoesNotContain("cannot reach a node", r.Error);
        Assert.Equal("", r.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: it should not have tried to connect");
    }

    [Fact]
    public async Task Operator_keys_come_only_from_a_dev_genesis_that_lists_them()
    {
        var noDev = new TestChain(accounts: 2).Genesis;
        noDev.DevAccounts = null;
        var noDevPath = Path.Combine(_dir, "no-dev.json");
        await File.WriteAllTextAsync(noDevPath, noDev.ToJson());
        var noOperators = new TestChain(accounts: 2).Genesis;
        noOperators.Marketplace.ServingOperators = [];
        var noOperatorsPath = Path.Combine(_dir, "no-operators.json");
        await File.WriteAllTextAsync(noOperatorsPath, noOperators.ToJson());

        foreach (var (genesis, message) in new[] { (noDevPath, "--operator needs a genesis with dev accounts"), (noOperatorsPath, "is not a serving operator of this genesis") })
        {
            var r = await CliNodeFixture.RunExactlyAsync(["post-result", "--operator", "serving", "--inference", SomeId, "--output-hash", SomeId,
                "--node", $"http://127.0.0.1:{_port}/graphql", "--genesis", genesis]);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains(message, r.Error);
        }
    }

    [Fact]
    public async Task The_executable_maps_a_marketplace_usage_error_to_exit_code_2_and_lists_the_verbs_in_help()
    {
        var bad = await RunExecutableAsync("datanet", "create", "--dev", "0", "--node", $"http://127.0.0.1:{_port}/graphql", "--genesis", _genesis);
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("error: --name is required", bad.Error);

        var help = await RunExecutableAsync("help");
        Assert.Equal(0, help.ExitCode);
        foreach (var verb in new[] { "datanet create", "datanet update", "datanet show", "datanet list", "contribute", "curate", "publish-version",
                     "model register", "model update", "model show", "model bases", "infer", "inference show", "post-result", "settle", "rewards", "proof", "--operator serving|attribution" })
            Assert.Contains(verb, help.Output);

        // --help after any verb prints the usage and does nothing: `ml train-base --help` must not start a training run.
        var trainHelp = await RunExecutableAsync("ml", "train-base", "--help");
        Assert.True(trainHelp.ExitCode == 0, trainHelp.ToString());
        Assert.Contains("usage: openledger <verb> [options]", trainHelp.Output);
        Assert.DoesNotContain("training the base model", trainHelp.Output);
    }

    private static Task<CliRun> RunExecutableAsync(params string[] argv) => CliNodeFixture.RunExecutableAsync(null, argv);
}
