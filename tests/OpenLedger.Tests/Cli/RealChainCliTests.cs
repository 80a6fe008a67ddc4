using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Silo.Cli;
using OpenLedger.Cli.Keys;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>A real node whose chain is not a dev chain and which produces no blocks (it holds no producer key), with one
/// funded account of a key of its own; and a client directory whose genesis file claims a dev chain.</summary>
public sealed class RealChainNodeFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-cli-real");
    public string ClientDirectory { get; } = TestChain.TempDirectory("openledger-cli-real-client");
    public int GatewayPort { get; } = FreePorts.Next();
    public int HttpPort { get; } = FreePorts.Next();
    public PrivateKey Funded { get; } = PrivateKey.Derive("not the dev seed", "funded");
    private InProcessNode? _node;

    public async Task InitializeAsync()
    {
        var chain = new TestChain(accounts: 2);
        chain.Genesis.Dev = false;
        chain.Genesis.DevAccounts = null;
        chain.Genesis.Allocations.Add(new Allocation { Address = Funded.Address.ToString(), Balance = Wei.FromOpen(10).ToString() });
        _node = await InProcessNode.StartAsync(chain, DataDirectory, HttpPort, GatewayPort);
        // A client deceived about the chain (its genesis file says dev) must still be refused on the node's word.
        await File.WriteAllTextAsync(Path.Combine(ClientDirectory, "dev.json"), new TestChain(accounts: 2).Genesis.ToJson());
    }

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        try { Directory.Delete(ClientDirectory, recursive: true); } catch (IOException) { }
    }

    public async Task<CliRun> RunAsync(params string[] argv)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliVerbs.RunAsync([.. argv, "--node", $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/graphql",
            "--genesis", Path.Combine(ClientDirectory, "dev.json")], output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>The CLI against a node whose chain is not a dev chain: derived keys are refused by what the node says its
/// chain is, and a transfer that never commits ends with a message and exit code 1.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RealChainCliTests(RealChainNodeFixture fx) : IClassFixture<RealChainNodeFixture>
{
    [Fact]
    public async Task Dev_keys_are_refused_when_the_node_says_its_chain_is_not_a_dev_chain()
    {
        var r = await fx.RunAsync("transfer", "--dev", "0", "--to", fx.Funded.Address.ToString(), "--amount", "1");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is not a dev chain: keys derived from a public seed (--dev N, --operator) are refused there", r.Error);
        Assert.DoesNotContain("submitted", r.Output);
    }

    [Fact]
    public async Task A_transfer_that_never_commits_ends_with_a_message_and_exit_code_1()
    {
        var keyFile = Path.Combine(fx.ClientDirectory, "funded.key");
        KeyFile.Create(keyFile, fx.Funded);
        var r = await fx.RunAsync("transfer", "--key-file", keyFile, "--to", PrivateKey.Derive("not the dev seed", "payee").Address.ToString(),
            "--amount", "1", "--timeout", "1.5");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("submitted 0x", r.Output);
        Assert.Contains("not committed within the wait (status Pending)", r.Output);
        Assert.Contains("openledger tx 0x", r.Output);
    }
}
