using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OpenLedger.Tests.Cli;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Clients;

/// <summary>The slim gateway, <c>openledger-gateway</c> (graphql/OpenLedger.Gateway), as an operator runs it: a separate
/// process that joins a running node's cluster with the node's certificate and serves the same GraphQL and /healthz.</summary>
public sealed class SlimGatewayTests(CliNodeFixture node) : IClassFixture<CliNodeFixture>
{
    private static string GatewayPath => Path.Combine(AppContext.BaseDirectory, "openledger-gateway.dll");

    [Fact]
    public async Task The_slim_gateway_joins_a_running_node_and_answers_with_its_chain()
    {
        var httpPort = FreePorts.Next();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { GatewayPath, "--data-dir", node.DataDirectory, "--gateway-port", node.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--http-port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        using var gateway = Process.Start(psi)!;
        var stderr = gateway.StandardError.ReadToEndAsync();
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string? line;
            while ((line = await gateway.StandardOutput.ReadLineAsync(ready.Token)) is not null && line != "openledger gateway ready") { }
            Assert.True(line is not null, "the gateway exited before it was ready: " + (gateway.HasExited ? await stderr : ""));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var viaGateway = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{httpPort}/healthz"));
            using var viaNode = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{node.HttpPort}/healthz"));
            Assert.Equal("ok", viaGateway.RootElement.GetProperty("status").GetString());
            Assert.Equal(viaNode.RootElement.GetProperty("chainId").GetInt64(), viaGateway.RootElement.GetProperty("chainId").GetInt64());

            var answer = await http.PostAsJsonAsync($"http://127.0.0.1:{httpPort}/graphql", new { query = "{ chain { chainId } }" });
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.IsSuccessStatusCode, body);
            Assert.Contains(viaNode.RootElement.GetProperty("chainId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), body);
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_verb_is_a_usage_error_and_help_names_the_node_executables_verb()
    {
        var bad = await CliNodeFixture.RunProcessAsync(GatewayPath, null, ["transfer"]);
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("run `openledger-gateway help` for usage", bad.Error);
        var help = await CliNodeFixture.RunProcessAsync(GatewayPath, null, ["help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("`openledger gateway`", help.Output);
    }
}
