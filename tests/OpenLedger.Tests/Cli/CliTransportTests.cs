using System.Diagnostics;
using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Silo.Cli;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Cli;

/// <summary>How the client verbs reach a node: GraphQL over HTTP at --node (or OPENLEDGER_NODE), no Orleans gateway and
/// no cluster certificate; no node there is exit code 1 within seconds; the Orleans options are usage mistakes.</summary>
public sealed class CliTransportTests(CliNodeFixture node, ITestOutputHelper log) : IClassFixture<CliNodeFixture>, IDisposable
{
    private readonly string _emptyDir = TestChain.TempDirectory("openledger-cli-transport");

    public void Dispose()
    {
        try { Directory.Delete(_emptyDir, recursive: true); } catch (IOException) { }
    }

    private static string ClosedPortUrl() => $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}/graphql";

    [Fact]
    public async Task A_transfer_works_with_no_cluster_certificate_and_no_gateway_port()
    {
        // The client's data directory is empty: no cluster.pfx, no operator token. Only the node's HTTP URL is known.
        Assert.False(File.Exists(Path.Combine(_emptyDir, "cluster.pfx")));
        var to = PrivateKey.Derive("not the dev seed", "transport payee").Address;
        var r = await CliNodeFixture.RunExactlyAsync(["transfer", "--dev", "1", "--to", to.ToString(), "--amount", "1.5",
            "--node", node.NodeUrl, "--genesis", node.GenesisPath, "--data-dir", _emptyDir]);
        log.WriteLine(r.ToString());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("committed in block", r.Output);

        var account = await CliNodeFixture.RunExactlyAsync(["account", to.ToString(), "--node", node.NodeUrl, "--data-dir", _emptyDir]);
        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.Contains("balance    1.5 OPEN", account.Output);
    }

    [Fact]
    public async Task No_node_at_the_url_is_exit_code_1_within_seconds_with_the_url_in_the_message()
    {
        var url = ClosedPortUrl();
        var clock = Stopwatch.StartNew();
        var r = await CliNodeFixture.RunExecutableAsync(null, "transfer", "--dev", "0", "--to", node.Chain.Keys[1].Address.ToString(), "--amount", "1",
            "--node", url, "--genesis", node.GenesisPath, "--data-dir", _emptyDir);
        clock.Stop();
        log.WriteLine($"no node at {url}: exit {r.ExitCode} after {clock.Elapsed.TotalSeconds:0.00} s (the executable, start-up included)\n{r}");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"cannot reach a node at {url}", r.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task OPENLEDGER_NODE_names_the_node_for_the_executable()
    {
        var r = await CliNodeFixture.RunExecutableAsync(new Dictionary<string, string> { ["OPENLEDGER_NODE"] = node.NodeUrl }, "block", "latest");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("block ", r.Output);

        var bad = await CliNodeFixture.RunExecutableAsync(new Dictionary<string, string> { ["OPENLEDGER_NODE"] = "ftp://somewhere" }, "block", "latest");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("OPENLEDGER_NODE 'ftp://somewhere' is not a node URL", bad.Error);
    }

    [Theory]
    [InlineData("transfer --dev 0 --to {me} --amount 1 --gateway-port 30000", "--gateway-port is for `openledger run` and `openledger gateway`")]
    [InlineData("account {me} --cluster-cert /tmp/cluster.pfx", "--cluster-cert is for `openledger run` and `openledger gateway`")]
    [InlineData("datanet list --gateway-port 30000", "client verbs speak GraphQL to the node's HTTP port; give --node URL")]
    [InlineData("block latest --node not-a-url", "--node 'not-a-url' is not a node URL")]
    [InlineData("tx 0x12 --node http://127.0.0.1:1/graphql", "usage: openledger tx HASH")]
    [InlineData("train --datanet {id} --operator-token-file /no/such/token --node http://127.0.0.1:1/graphql", "--operator-token-file: no such file")]
    public async Task Orleans_options_and_bad_node_options_are_usage_errors(string commandLine, string message)
    {
        var argv = commandLine.Replace("{me}", node.Chain.Keys[0].Address.ToString()).Replace("{id}", Keccak256.Hash([1]).ToString()).Split(' ');
        var r = await CliNodeFixture.RunExactlyAsync([.. argv, "--genesis", node.GenesisPath, "--data-dir", _emptyDir]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Error);
    }

    [Fact]
    public async Task An_operator_verb_without_the_operator_token_is_refused_with_OPERATOR_REQUIRED()
    {
        // The data directory holds no operator.token, so nothing is presented.
        var r = await CliNodeFixture.RunExactlyAsync(["train", "--datanet", Keccak256.Hash([2]).ToString(), "--node", node.NodeUrl, "--data-dir", _emptyDir]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("OPERATOR_REQUIRED", r.Output);
        Assert.Contains("--operator-token-file", r.Output);

        // With the node's token file (given explicitly) it is the node's own answer about the datanet.
        var withToken = await CliNodeFixture.RunExactlyAsync(["train", "--datanet", Keccak256.Hash([2]).ToString(), "--node", node.NodeUrl,
            "--data-dir", _emptyDir, "--operator-token-file", Path.Combine(node.DataDirectory, "operator.token")]);
        Assert.True(withToken.ExitCode == 1, withToken.ToString());
        Assert.DoesNotContain("OPERATOR_REQUIRED", withToken.Output);
    }
}
