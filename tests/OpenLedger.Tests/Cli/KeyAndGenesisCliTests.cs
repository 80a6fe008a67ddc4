using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Configuration;
using OpenLedger.Cli.Keys;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Keys on dev and real chains: derived keys only on a dev chain (CLI and node), key files only their owner can
/// read, keygen that prints no private key unless asked, and a real chain's genesis with explicit addresses and no seed.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class KeyAndGenesisCliTests : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-cli-keys");
    private readonly string _devGenesis;
    private readonly string _realGenesis;
    private readonly string _port = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string SomeId = Keccak256.Hash("some id").ToString();
    private static readonly Address Mine = PrivateKey.Derive("not the dev seed", "mine").Address;

    public KeyAndGenesisCliTests()
    {
        _devGenesis = Path.Combine(_dir, "dev.json");
        File.WriteAllText(_devGenesis, new TestChain(accounts: 2).Genesis.ToJson());
        _realGenesis = Path.Combine(_dir, "real.json");
        File.WriteAllText(_realGenesis, RealChain().ToJson());
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The test chain's rules as a real chain: no dev flag, no dev accounts.</summary>
    private static GenesisConfig RealChain()
    {
        var g = new TestChain(accounts: 2).Genesis;
        g.Dev = false;
        g.DevAccounts = null;
        return g;
    }

    private Task<CliRun> RunAsync(params string[] argv) => RunExactlyAsync([.. argv, "--node", $"http://127.0.0.1:{_port}/graphql"]);

    private static async Task<CliRun> RunExactlyAsync(string[] argv)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliVerbs.RunAsync(argv, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("datanet create --dev 0 --name n", "--dev signs with a key derived from a public seed, which only a dev chain accepts")]
    [InlineData("post-result --operator serving --output-hash {id} --inference {id}", "--operator signs with a key derived from a public seed")]
    [InlineData("transfer --dev 1 --to {me} --amount 1", "--dev signs with a key derived from a public seed")]
    public async Task Derived_keys_are_refused_with_a_genesis_that_is_not_a_dev_chain(string commandLine, string message)
    {
        var argv = commandLine.Replace("{id}", SomeId).Replace("{me}", Mine.ToString()).Split(' ');
        var r = await RunAsync([.. argv, "--genesis", _realGenesis]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Error);
        Assert.Contains("--key-file", r.Error);
    }

    [Fact]
    public void Derived_keys_are_refused_by_a_node_whose_chain_is_not_a_dev_chain_or_another_dev_chain()
    {
        var dev = new TestChain(accounts: 2);
        var derived = new SigningKey(dev.Keys[0], KeySource.DevAccount, dev.Rules.ChainId);
        var info = new OpenLedger.Client.ChainSummary(dev.Rules.ChainId, dev.Rules.Name, dev.Rules.GasPriceFloor, 100, 0, Dev: false);

        var real = Assert.Throws<UsageException>(() => SignerKeys.RequireAcceptedBy(derived, info with { Dev = false }));
        Assert.Contains("is not a dev chain", real.Message);
        var other = Assert.Throws<UsageException>(() => SignerKeys.RequireAcceptedBy(derived, info with { Dev = true, ChainId = 42 }));
        Assert.Contains("chain id 1717, but the node runs chain id 42", other.Message);
        SignerKeys.RequireAcceptedBy(derived, info with { Dev = true });
        SignerKeys.RequireAcceptedBy(new SigningKey(dev.Keys[0], KeySource.Given), info with { Dev = false }); // a key of one's own signs anywhere
        var published = new SigningKey(DevChain.Account(DevChain.Seed, 0), KeySource.Given); // dev key 0 in a key file
        Assert.Contains("published dev key", Assert.Throws<UsageException>(() => SignerKeys.RequireAcceptedBy(published, info with { Dev = false })).Message);
        SignerKeys.RequireAcceptedBy(published, info with { Dev = true });
    }

    [Fact]
    public void A_node_on_a_real_chain_refuses_a_published_dev_producer_or_serving_key()
    {
        var producer = DevChain.Producer(DevChain.Seed);
        var serving = DevChain.ServingOperator(DevChain.Seed);
        var g = RealChain();
        g.Producer = producer.Address.ToString();
        g.Marketplace.ServingOperators = [serving.Address.ToString()];
        var rules = g.ToRules();
        var settings = Settings() with { ProducerKeyHex = producer.ToHex(), ServingKeyHex = serving.ToHex() };

        Assert.Contains("published dev key", Assert.Throws<UsageException>(() => settings.ResolveProducerKey(g, rules)).Message);
        Assert.Contains("published dev key", Assert.Throws<UsageException>(() => settings.ResolveServingKey(g, rules)).Message);

        // The same keys on the dev chain they belong to are the dev chain's own.
        var devGenesis = DevChain.Genesis();
        Assert.Equal(producer.Address, settings.ResolveProducerKey(devGenesis, devGenesis.ToRules())!.Address);
    }

    [Fact]
    public void A_node_derives_its_producer_key_only_on_a_dev_chain()
    {
        var devGenesis = DevChain.Genesis();
        Assert.NotNull(Settings().ResolveProducerKey(devGenesis, devGenesis.ToRules()));
        Assert.NotNull(Settings().ResolveServingKey(devGenesis, devGenesis.ToRules()));
        devGenesis.Dev = false;
        Assert.Contains("only a dev chain may have them", Assert.Throws<FormatException>(() => devGenesis.ToRules()).Message);
    }

    [Fact]
    public async Task A_key_file_others_can_read_is_refused_and_an_owner_only_one_signs()
    {
        var key = PrivateKey.Derive("not the dev seed", "key file");
        var path = Path.Combine(_dir, "signer.key");
        await File.WriteAllTextAsync(path, key.ToHex() + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var open = await RunAsync("datanet", "create", "--key-file", path, "--name", "n", "--genesis", _devGenesis);
        Assert.True(open.ExitCode == 2, open.ToString());
        Assert.Contains("is readable or writable by other users", open.Error);
        Assert.Contains($"chmod 600 {path}", open.Error);

        var node = Settings() with { ProducerKeyFile = path };
        Assert.Contains("--producer-key-file", Assert.Throws<UsageException>(() => node.ResolveProducerKey(RealChain(), RealChain().ToRules())).Message);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var signing = SignerKeys.Resolve(new Args(["datanet", "--key-file", path]), new GenesisFile(_devGenesis), TextWriter.Null);
        Assert.Equal(key.Address, signing.Key.Address);
        Assert.False(signing.IsDerived);
    }

    [Fact]
    public async Task The_signing_key_comes_from_OPENLEDGER_KEY_and_a_key_on_the_command_line_is_warned_about()
    {
        var key = PrivateKey.Derive("not the dev seed", "environment");
        string[] line = ["datanet", "create", "--name", "n", "--genesis", _devGenesis, "--data-dir", _dir, "--node", $"http://127.0.0.1:{_port}/graphql"];

        // The key is taken (the verb goes on to connect, and finds no node at the closed port).
        var fromEnvironment = await CliNodeFixture.RunExecutableAsync(new Dictionary<string, string> { ["OPENLEDGER_KEY"] = key.ToHex() }, line);
        Assert.True(fromEnvironment.ExitCode == 1 && fromEnvironment.Error.Contains("cannot reach a node"), fromEnvironment.ToString());
        Assert.DoesNotContain("warning", fromEnvironment.Error);

        var notAKey = await CliNodeFixture.RunExecutableAsync(new Dictionary<string, string> { ["OPENLEDGER_KEY"] = "0x12" }, line);
        Assert.Contains("OPENLEDGER_KEY does not hold a private key", notAKey.Error);

        var onTheLine = await CliNodeFixture.RunExecutableAsync(null, [.. line, "--key", key.ToHex()]);
        Assert.True(onTheLine.ExitCode == 1 && onTheLine.Error.Contains("cannot reach a node"), onTheLine.ToString());
        Assert.Contains("warning: --key puts a private key on the command line", onTheLine.Error);
    }

    [Fact]
    public async Task Keygen_writes_an_owner_only_key_file_and_prints_the_private_key_only_when_asked()
    {
        var path = Path.Combine(_dir, "new.key");
        var r = await RunExactlyAsync(["keygen", "--out", path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var key = KeyFile.Load(path);
        Assert.Equal(key.Address.ToString(), r.Field("address"));
        Assert.DoesNotContain(key.ToHex()[2..], r.Output + r.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(SixtyFourHex().IsMatch(r.Output + r.Error), r.ToString());

        var again = await RunExactlyAsync(["keygen", "--out", path]);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("never overwritten", again.Error);
        Assert.Equal(key.Address, KeyFile.Load(path).Address);

        var shown = await RunExactlyAsync(["keygen", "--out", Path.Combine(_dir, "shown.key"), "--show-private-key"]);
        Assert.Equal(KeyFile.Load(Path.Combine(_dir, "shown.key")).ToHex(), shown.Field("private key"));
    }

    [Fact]
    public async Task Genesis_for_a_real_chain_takes_explicit_addresses_and_writes_no_seed()
    {
        Address A(string label) => PrivateKey.Derive("not the dev seed", label).Address;
        var path = Path.Combine(_dir, "written.json");
        var r = await RunExactlyAsync(["genesis", "--out", path, "--chain-id", "42", "--name", "realnet", "--timestamp-ms", "1767225600000",
            "--producer", A("p").ToString(), "--treasury", A("t").ToString(),
            "--serving-operators", $"{A("s1")},{A("s2")}", "--attribution-operators", A("a").ToString(),
            "--alloc", $"{A("x")}=1000", "--alloc", $"{A("y")}=0.5,{A("s1")}=10"]);
        Assert.True(r.ExitCode == 0, r.ToString());

        var text = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("seed", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("devAccounts", text);
        var g = GenesisConfig.Parse(text);
        var rules = g.ToRules();
        Assert.False(rules.Dev);
        Assert.Equal(42UL, rules.ChainId);
        Assert.Equal(A("p"), rules.Producer);
        Assert.Equal(A("t"), rules.Market.Treasury);
        Assert.Equal([A("s1"), A("s2")], rules.Market.ServingOperators);
        Assert.Equal([A("a")], rules.Market.AttributionOperators);
        Assert.True(Wei.TryParseOpen("0.5", out var half));
        Assert.Equal([(A("x"), Wei.FromOpen(1000)), (A("y"), half), (A("s1"), Wei.FromOpen(10))], rules.InitialBalances);
        Assert.False(JsonNode.Parse(text)!["dev"]!.GetValue<bool>());
    }

    public static TheoryData<string, string> GenesisMistakes => new()
    {
        { "genesis --producer {me} --treasury {me}", "--chain-id is required for a real chain" },
        { "genesis --chain-id 42 --treasury {me}", "--producer is required" },
        { "genesis --chain-id 42 --producer {me}", "--treasury is required" },
        { "genesis --chain-id 42 --producer {devProducer} --treasury {me}", "is the published dev key 'producer'" },
        { "genesis --chain-id 42 --producer {me} --treasury {me} --alloc {dev0}=5", "is the published dev key '0'" },
        { "genesis --chain-id 42 --producer {me} --treasury {me} --dev-count 5", "--dev-count is for a dev chain (give --dev)" },
        { "genesis --chain-id 42 --producer {me} --treasury {me} --alloc {me}", "is not ADDRESS=OPEN" },
        { "genesis --chain-id 42 --producer {me} --treasury {me} --alloc {me}=1 --alloc {me}=2", "allocated twice" },
        { "genesis --chain-id 0 --producer {me} --treasury {me}", "--chain-id must be above 0" },
        { "genesis --dev --dev-count many", "--dev-count expects a number, got 'many'" },
        { "genesis --dev --block-interval-ms 1", "--block-interval-ms must be 10..3600000" },
    };

    [Theory]
    [MemberData(nameof(GenesisMistakes))]
    public async Task Genesis_mistakes_are_usage_errors(string commandLine, string message)
    {
        var argv = commandLine.Replace("{me}", Mine.ToString())
            .Replace("{devProducer}", DevChain.Producer(DevChain.Seed).Address.ToString())
            .Replace("{dev0}", DevChain.Account(DevChain.Seed, 0).Address.ToString()).Split(' ');
        var r = await RunExactlyAsync(argv);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Error);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public async Task Dev_keys_are_printed_only_for_a_dev_genesis()
    {
        var real = await RunExactlyAsync(["dev-keys", "--genesis", _realGenesis]);
        Assert.True(real.ExitCode == 2, real.ToString());
        var dev = await RunExactlyAsync(["dev-keys", "--genesis", _devGenesis]);
        Assert.True(dev.ExitCode == 0, dev.ToString());
        Assert.Contains(new TestChain(accounts: 2).Keys[1].ToHex(), dev.Output);
        // The role keys derived from the seed follow the accounts: producer, operators and treasury, address and key.
        var seed = new TestChain(accounts: 2).Seed;
        foreach (var role in DevChain.RoleLabels)
        {
            var key = PrivateKey.Derive(seed, role);
            Assert.Contains(dev.Output.Split('\n'), l => l.StartsWith($"{role} {key.Address} {key.ToHex()}", StringComparison.Ordinal));
        }
    }

    private NodeSettings Settings() => new(StorageBackend.Sqlite, TestChain.SqliteConnection(_dir), _dir, _devGenesis, 1, 2, null, false, 10);

    [GeneratedRegex("[0-9a-fA-F]{64}")]
    private static partial Regex SixtyFourHex();
}
