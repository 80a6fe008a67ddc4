using System.Diagnostics;
using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Silo.Cli;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Bad command lines for every client verb: exit code 2 and a message naming the mistake, before anything
/// reaches a node; and random garbage never ends in an unhandled exception.</summary>
public sealed class CliArgumentTests : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-cli-args");
    private readonly string _genesis;
    private readonly string _port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
    private static readonly string SomeId = Keccak256.Hash("some id").ToString();
    private static readonly string Me = PrivateKey.Derive("not the dev seed", "me").Address.ToString();

    public CliArgumentTests()
    {
        _genesis = Path.Combine(_dir, "genesis.json");
        File.WriteAllText(_genesis, new TestChain(accounts: 2).Genesis.ToJson());
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs a command line in-process as the executable does, against no node: a closed port (a verb that got
    /// as far as connecting stops there, exit code 1), the test genesis, and an empty data directory.</summary>
    private async Task<CliRun> RunAsync(string[] argv)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliVerbs.RunAsync([.. argv, "--node", $"http://127.0.0.1:{_port}/graphql", "--genesis", _genesis, "--data-dir", _dir], output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "transfer --dev 0 --to {me} --amount 1 --nonce abc", "--nonce 'abc' is not a number" },
        { "transfer --dev 0 --to {me} --amount 1 --nonce -1", "--nonce '-1' is not a number" },
        { "transfer --dev 0 --to {me} --amount 1 --nonce 18446744073709551616", "--nonce '18446744073709551616' is not a number" },
        { "transfer --dev 0 --to {me} --amount 1 --nonce", "--nonce needs a value" },
        { "transfer --dev 0 --to {me} --amount 1 --gas-price 1.5", "--gas-price '1.5' is not an amount of wei" },
        { "transfer --dev 0 --to 0x12 --amount 1", "--to '0x12' is not an address" },
        { "transfer --dev 0 --amount 1", "--to is required" },
        { "transfer --dev 0 --to {me} --amount lots", "--amount 'lots' is not an amount of OPEN" },
        { "transfer --dev 0 --to {me} --wei 1.5", "--wei '1.5' is not an amount of wei" },
        { "transfer --dev 0 --to {me}", "--amount is required" },
        { "transfer --dev 0 --to {me} --amount 1 --wei 5", "give --amount OPEN or --wei AMOUNT, not both" },
        { "transfer --dev x --to {me} --amount 1", "--dev must be 0..1" },
        { "transfer --dev --to {me} --amount 1", "--dev needs a value" },
        { "transfer --dev 0 --to {me} --amount 1 --timeout 0", "--timeout '0' is not a number of seconds" },
        { "transfer --key-file /no/such/key --to {me} --amount 1", "--key-file: no such file: /no/such/key" },
        { "transfer --dev 0 --key-file /no/such/key --to {me} --amount 1", "give one signing key, not --key-file and --dev" },
        { "account 0x12", "usage: openledger account ADDRESS" },
        { "account {me} --limit 0", "--limit must be 1..1000, got 0" },
        { "block -5", "usage: openledger block N|latest" },
        { "block 1x", "usage: openledger block N|latest" },
        { "block latest --limit many", "--limit expects a number, got 'many'" },
        { "tx nothash", "usage: openledger tx HASH" },
        { "infer --dev 0 --model {id} --input-hash {id} --wait --timeout soon", "--timeout 'soon' is not a number of seconds" },
        { "infer --dev 0 --model {id} --input-hash {id} --wait --timeout -5", "--timeout '-5' is not a number of seconds" },
        { "infer --dev 0 --model {id} --input-hash {id} --wait --no-wait", "--wait and --no-wait contradict each other" },
        { "infer --dev 0 --model 0x12 --input-hash {id} --wait", "--model '0x12' is not a model id" },
        { "inference show --id 0x12", "--id '0x12' is not an inference id" },
        { "inference show", "--id is required: the inference" },
        { "inference list", "usage: openledger inference show" },
        { "model bases-of-all", "usage: openledger model register|update|show|bases" },
        { "keygen", "--out FILE is required" },
        { "datanet list --limit -3", "--limit must be 1..1000, got -3" },
        { "train --datanet {id} --version -1", "--version '-1' is not a number" },
        { "train --datanet {id} --alpha NaN", "--alpha 'NaN' is not a number" },
        { "train --datanet {id} --label-smoothing lots", "--label-smoothing 'lots' is not a number" },
        { "train --datanet {id} --early-stopping soon", "--early-stopping expects a number, got 'soon'" },
        { "train --datanet {id} --schedule", "--schedule needs a value" },
        { "train --datanet {id} --label-scoring", "--label-scoring needs a value" },
        { "run --http-port 0", "--http-port (or OPENLEDGER_HTTP_PORT) must be a port number 1..65535, got '0'" },
        { "run --mempool-capacity 0", "--mempool-capacity must be 1..2147483647, got 0" },
        { "adapter evict --adapter {id}", "adapter needs an action: load, unload, pin, unpin" },
        { "adapter unload --adapter 0x12", "--adapter '0x12' is not an adapter id" },
        { "adapter pin", "--adapter is required" },
        { "adapter unload --adapter {id} --silo", "--silo needs a value" },
        { "frobnicate", "unknown verb 'frobnicate'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_bad_command_line_is_exit_code_2_with_a_message_and_no_connection(string commandLine, string message)
    {
        var argv = commandLine.Replace("{me}", Me).Replace("{id}", SomeId).Split(' ');
        var clock = Stopwatch.StartNew();
        var r = await RunAsync(argv);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Error);
        Assert.Contains("run `openledger help` for usage", r.Error);
        Assert.Equal("", r.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: it should not have tried to connect");
    }

    private static readonly string[] Names =
    [
        "nonce", "gas-price", "all-pending", "jsonl", "file", "width", "contributor", "near-duplicates-only", "without-near-duplicates", "to", "amount", "wei", "dev", "key", "key-file", "operator", "limit", "id", "name", "description", "datanet",
        "contribution", "model", "inference", "output-hash", "record", "attributions", "address", "version", "price", "owner-bps",
        "contributors-bps", "protocol-bps", "fee-per-kb", "stake", "curators", "tags", "task", "forfeit", "status", "adapter",
        "training-record", "versions", "base-model", "job", "max-fee", "input-hash", "input-file", "rank", "alpha", "lr", "epochs", "steps",
        "batch-size", "seed", "targets", "schedule", "label-smoothing", "early-stopping", "label-scoring", "timeout", "chain-id", "producer", "treasury", "alloc", "dev-count", "dev-balance", "dev-seed",
        "block-interval-ms", "max-block-txs", "gas-price-floor", "timestamp-ms", "serving-operators", "attribution-operators", "approve",
        "reject", "reason", "no-wait", "show-private-key", "contributions", "http-port", "silo-port", "mempool-capacity", "cluster-cert",
        "mempool-max-bytes", "mempool-future-ttl-ms", "producer-key", "serving-key", "producer-key-file", "node", "operator-token-file", "attribution-key",
        "top", "examples", "contributors", "inferences", "settle-timeout", "wordnet", "wait", "allow-unserved-base", "from", "first", "offset", "silo",
    ];

    private static readonly string[] Values =
    [
        "", " ", "abc", "-1", "0", "1", "2", "+5", "-0", "1.5", "1e308", "NaN", "Infinity", "0x", "0xzz", "0x" + new string('a', 63),
        "18446744073709551616", "340282366920938463463374607431768211456", "99999999999999999999999999999999999999999.9",
        "１２", "٣", "\0", "=", "a=b", ",", ",,,", "serving", "attribution", "gpu", "text", "owner", "treasury", "active", "x:y", "0x1:2",
        "/no/such/file", Me, SomeId, $"{SomeId}:1", $"{Me}=1", $"{Me}=-1", new string('9', 5_000), "\u202e\u0301", "--", "-",
    ];

    /// <summary>A valid command line for each client verb (and sub-verb): each parses, and stops where it would
    /// connect (no cluster certificate in the test's data directory), or succeeds without a node (genesis, dev-keys).</summary>
    private string[][] ValidLines(string file) =>
    [
        ["transfer", "--dev", "0", "--to", Me, "--amount", "1"],
        ["account", Me], ["block", "latest"], ["block", "3"], ["tx", SomeId],
        ["dev-keys"], ["genesis", "--dev"],
        ["genesis", "--chain-id", "42", "--producer", Me, "--treasury", Me, "--alloc", $"{Me}=1", "--timestamp-ms", "1"],
        ["datanet", "create", "--dev", "0", "--name", "n"], ["datanet", "update", "--dev", "0", "--id", SomeId, "--description", "d"],
        ["datanet", "show", "--id", SomeId], ["datanet", "list"],
        ["contribute", "--dev", "0", "--datanet", SomeId, file],
        ["curate", "--dev", "0", "--contribution", SomeId, "--approve"],
        ["curate", "--dev", "0", "--contribution", $"{SomeId},{SomeId}", "--reject", "--reason", "r"],
        ["curate", "--dev", "0", "--all-pending", "--datanet", SomeId, "--contributor", Me, "--near-duplicates-only", "--limit", "5", "--approve"],
        ["contribute", "--dev", "0", "--datanet", SomeId, "--jsonl", file],
        ["datanet", "review", "--id", SomeId, "--limit", "5", "--width", "80"],
        ["exclude", "--dev", "0", "--contribution", SomeId, "--reason", "flagged"], ["flags", "--datanet", SomeId, "--first", "5"],
        ["publish-version", "--dev", "0", "--datanet", SomeId],
        ["model", "register", "--dev", "0", "--name", "m", "--base-model", "b", "--adapter", SomeId, "--training-record", SomeId, "--versions", SomeId, "--price", "1"],
        ["model", "update", "--dev", "0", "--id", SomeId, "--price", "2"], ["model", "show", "--id", SomeId],
        ["infer", "--dev", "0", "--model", SomeId, "--input-hash", SomeId],
        ["infer", "--dev", "0", "--model", SomeId, "--input-hash", SomeId, "--wait", "--timeout", "10", "--allow-unserved-base"],
        ["inference", "show", "--id", SomeId], ["model", "bases"],
        ["post-result", "--operator", "serving", "--inference", SomeId, "--output-hash", SomeId],
        ["settle", "--operator", "attribution", "--inference", SomeId, "--record", SomeId, "--attributions", $"{SomeId}:1"],
        ["rewards", "--address", Me], ["proof", "--contribution", SomeId],
        ["statement", "--address", Me, "--from", "0", "--to", "5", "--first", "10", "--offset", "0"], ["statement", "--datanet", SomeId], ["statement", "--model", SomeId],
        ["train", "--datanet", SomeId], ["train", "status", "--id", SomeId], ["train", "cancel", "--id", SomeId], ["train", "list"],
        ["train", "record", "--id", SomeId],
        ["attribution", "--inference", SomeId], ["attribution", "--inference", SomeId, "--top", "3"],
        ["demo"], ["demo", "--examples", "4", "--contributors", "2", "--steps", "10", "--inferences", "1", "--settle-timeout", "5"],
        ["ml-silos"], ["adapter", "load", "--adapter", SomeId], ["adapter", "unload", "--adapter", SomeId, "--silo", "127.0.0.1:11111@1"],
    ];

    [Fact]
    public async Task Every_client_verb_has_a_valid_line_here_that_stops_before_the_network()
    {
        var file = Path.Combine(_dir, "some.txt");
        await File.WriteAllTextAsync(file, "some text");
        var lines = ValidLines(file);
        Assert.Equal(CliVerbs.ClientVerbs.Except(["keygen"]).Order(), lines.Select(l => l[0]).Distinct().Order());
        foreach (var line in lines)
        {
            var r = await RunAsync(line);
            if (line[0] is "genesis" or "dev-keys") Assert.True(r.ExitCode == 0, $"{string.Join(' ', line)}: {r}");
            else Assert.True(r.ExitCode == 1 && r.Error.Contains("cannot reach a node"), $"{string.Join(' ', line)}: {r}");
        }
    }

    /// <summary>Property: whatever is done to a valid command line (a value replaced by garbage, an option added, given
    /// without its value or dropped, garbage positionals), the verb ends with exit code 0, 1 or 2 and a message, never
    /// an unhandled exception or a stack trace.</summary>
    [Fact]
    public async Task Random_garbage_arguments_to_every_verb_give_a_clean_exit_code_never_an_unhandled_exception()
    {
        var file = Path.Combine(_dir, "some.txt");
        await File.WriteAllTextAsync(file, "some text");
        var lines = ValidLines(file);
        var random = new Random(20_261_206);
        var codes = new int[3];
        for (int run = 0; run < 5_000; run++)
        {
            var argv = new List<string>(lines[run % lines.Length]);
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                var value = Values[random.Next(Values.Length)];
                var name = "--" + Names[random.Next(Names.Length)];
                switch (random.Next(6))
                {
                    case 0 when argv.Count > 1: argv[random.Next(1, argv.Count)] = value; break; // replace a value (or a name)
                    case 1 when argv.Count > 1: argv.RemoveAt(random.Next(1, argv.Count)); break; // drop a token
                    case 2: argv.Insert(random.Next(1, argv.Count + 1), name); break; // an option without its value
                    case 3: argv.Add($"{name}={value}"); break;
                    case 4: argv.Add(value); break; // a positional
                    default: argv.Add(name); argv.Add(value); break;
                }
            }
            CliRun r;
            try
            {
                r = await RunAsync([.. argv]);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"openledger {string.Join(' ', argv.Select(a => $"'{a}'"))} threw {e}");
            }
            Assert.True(r.ExitCode is 0 or 1 or 2, $"{string.Join(' ', argv)}: {r}");
            if (r.ExitCode == 2) Assert.StartsWith("error: ", r.Error);
            Assert.DoesNotContain("   at ", r.Output + r.Error);
            codes[r.ExitCode]++;
        }
        Assert.True(codes[0] > 0 && codes[2] > 0, $"exit codes 0/1/2: {string.Join('/', codes)}"); // the mutations reach both ends
    }
}
