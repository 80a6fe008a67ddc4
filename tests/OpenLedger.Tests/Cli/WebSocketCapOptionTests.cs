using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Gateway.Configuration;
using OpenLedger.Gateway.Hosting.Boundary;
using OpenLedger.Silo.Configuration;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>`--ws-per-client N` / `--ws-total N` (or OPENLEDGER_WS_PER_CLIENT / OPENLEDGER_WS_TOTAL): the WebSocket caps
/// an operator raises behind a reverse proxy, where every client has the proxy's address. 1..1,000,000; anything else
/// is a usage error before the node starts.</summary>
public sealed class WebSocketCapOptionTests
{
    [Fact]
    public void Without_the_options_the_caps_are_the_defaults_and_with_them_the_counts_given_reach_the_boundary()
    {
        var defaults = NodeSettings.From(new Args(["run"]));
        Assert.Equal((256, 4096), (defaults.WebSocketsPerClient, defaults.WebSocketsTotal));
        var set = NodeSettings.From(new Args(["run", "--ws-per-client", "5000", "--ws-total", "20000"]));
        Assert.Equal((5000, 20000), (set.WebSocketsPerClient, set.WebSocketsTotal));
        Assert.Equal((5000, 20000), (set.Gateway.WebSocketsPerClient, set.Gateway.WebSocketsTotal));
        var gateway = GatewaySettings.From(new Args(["gateway", "--ws-per-client", "1", "--ws-total", "1000000"]));
        Assert.Equal((1, 1_000_000), (gateway.WebSocketsPerClient, gateway.WebSocketsTotal));
    }

    [Theory]
    [InlineData("ws-per-client", "0")]
    [InlineData("ws-per-client", "-1")]
    [InlineData("ws-per-client", "1000001")]
    [InlineData("ws-per-client", "many")]
    [InlineData("ws-total", "1.5")]
    [InlineData("ws-total", "99999999999999999999")]
    [InlineData("ws-total", " 7")]
    public void A_bad_count_is_a_usage_error_naming_the_option(string option, string value)
    {
        var e = Assert.Throws<UsageException>(() => NodeSettings.From(new Args(["run", $"--{option}", value])));
        Assert.Contains($"--{option}", e.Message);
    }

    [Fact]
    public async Task A_raised_per_client_cap_admits_more_connections_from_one_address_than_the_default()
    {
        // The same middleware the node runs, with the cap parsed from the command line: 300 sockets from 127.0.0.1,
        // over the default 256, all accepted; the 301st refused.
        var settings = GatewaySettings.From(new Args(["gateway", "--ws-per-client", "300"]));
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.UseMiddleware<WebSocketLimits>(settings.WebSocketsPerClient, settings.WebSocketsTotal);
        app.Run(async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[16];
            while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close) { }
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        await app.StartAsync();
        var uri = new Uri($"ws://127.0.0.1:{port}/");
        var open = new List<ClientWebSocket>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                var ws = new ClientWebSocket();
                open.Add(ws);
                await ws.ConnectAsync(uri, CancellationToken.None);
            }
            Assert.All(open, ws => Assert.Equal(WebSocketState.Open, ws.State));
            using var extra = new ClientWebSocket();
            await Assert.ThrowsAnyAsync<WebSocketException>(() => extra.ConnectAsync(uri, CancellationToken.None));
        }
        finally
        {
            foreach (var ws in open.Where(w => w.State == WebSocketState.Open))
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            foreach (var ws in open) ws.Dispose();
            await app.StopAsync();
        }
    }
}
