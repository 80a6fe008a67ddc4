using OpenLedger.Cli;
using OpenLedger.Core.Crypto;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Cli;

/// <summary>The slim CLI, <c>openledger-cli</c> (clients/OpenLedger.Cli), as a user runs it: a separate executable
/// with the client verbs and nothing of the node, whose verbs answer exactly as the node executable's do (they are the
/// same code), and which points the node's own verbs to the node executable.</summary>
public sealed class SlimCliTests(CliNodeFixture node, ITestOutputHelper log) : IClassFixture<CliNodeFixture>
{
    private string[] AgainstTheNode(params string[] argv) => [.. argv, "--node", node.NodeUrl, "--genesis", node.GenesisPath, "--data-dir", node.DataDirectory];

    [Fact]
    public async Task A_transfer_signed_by_the_slim_cli_commits_and_both_executables_then_print_the_same_account_and_block()
    {
        var to = PrivateKey.Derive("not the dev seed", "slim cli payee").Address;
        var transfer = await CliNodeFixture.RunSlimExecutableAsync(null, AgainstTheNode("transfer", "--dev", "2", "--to", to.ToString(), "--amount", "2.25"));
        log.WriteLine(transfer.ToString());
        Assert.True(transfer.ExitCode == 0, transfer.ToString());
        Assert.Contains("committed in block", transfer.Output);

        foreach (var argv in new[] { AgainstTheNode("account", to.ToString()), AgainstTheNode("block", "1") })
        {
            var slim = await CliNodeFixture.RunSlimExecutableAsync(null, argv);
            var full = await CliNodeFixture.RunExecutableAsync(null, argv);
            Assert.True(slim.ExitCode == 0, slim.ToString());
            Assert.Equal(full.ExitCode, slim.ExitCode);
            Assert.Equal(full.Output, slim.Output);
        }
        Assert.Contains("balance    2.25 OPEN", (await CliNodeFixture.RunSlimExecutableAsync(null, AgainstTheNode("account", to.ToString()))).Output);
    }

    [Fact]
    public async Task Help_lists_every_client_verb_and_a_usage_error_is_exit_code_2_naming_the_slim_cli()
    {
        var help = await CliNodeFixture.RunSlimExecutableAsync(null, "help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("usage: openledger-cli <verb> [options]", help.Output);
        foreach (var verb in ClientVerbs.Verbs) Assert.Contains($"  {verb} ", help.Output);

        var bad = await CliNodeFixture.RunSlimExecutableAsync(null, "transfer", "--dev", "0", "--to", "not-an-address", "--amount", "1");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("error: --to 'not-an-address' is not an address", bad.Error);
        Assert.Contains("run `openledger-cli help` for usage", bad.Error);

        var orleans = await CliNodeFixture.RunSlimExecutableAsync(null, "block", "latest", "--gateway-port", "30000");
        Assert.True(orleans.ExitCode == 2, orleans.ToString());
    }

    [Theory]
    [InlineData("run")]
    [InlineData("gateway")]
    [InlineData("verify")]
    [InlineData("ml")]
    public async Task A_verb_of_the_node_is_a_usage_error_that_names_the_node_executable(string verb)
    {
        var r = await CliNodeFixture.RunSlimExecutableAsync(null, verb);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"`openledger {verb}`", r.Error);
        Assert.Contains("dotnet run --project silo/OpenLedger.Silo", r.Error);
    }
}
