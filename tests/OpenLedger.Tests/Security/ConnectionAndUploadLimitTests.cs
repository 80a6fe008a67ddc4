using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.Gateway.Hosting.Boundary;
using OpenLedger.Tests.Support;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;

namespace OpenLedger.Tests.Security;

/// <summary>What one anonymous client may hold or send: WebSocket connections (per client and in all) and content
/// bytes a minute.</summary>
public sealed class ConnectionAndUploadLimitTests
{
    [Fact]
    public async Task WebSocket_connections_over_the_per_client_cap_are_refused_429_and_a_closed_one_frees_its_place()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.UseMiddleware<WebSocketLimits>(3, 100);
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[16];
            while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close) { }
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        await app.StartAsync();
        var uri = new Uri($"ws://127.0.0.1:{port}/ws");

        var open = new List<ClientWebSocket>();
        for (var i = 0; i < 3; i++)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(uri, CancellationToken.None);
            open.Add(ws);
        }
        using (var fourth = new ClientWebSocket())
        {
            fourth.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAnyAsync<WebSocketException>(() => fourth.ConnectAsync(uri, CancellationToken.None));
            Assert.Equal(HttpStatusCode.TooManyRequests, fourth.HttpStatusCode);
        }
        await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        open[0].Dispose();
        open.RemoveAt(0);
        // The server counts a connection until its handler returns, just after the close handshake the client saw:
        // the first attempt may still be refused. A ClientWebSocket cannot connect twice, so each attempt is a new one.
        await Poll.UntilAsync(async () =>
        {
            var attempt = new ClientWebSocket();
            try { await attempt.ConnectAsync(uri, CancellationToken.None); open.Add(attempt); return true; }
            catch (WebSocketException) { attempt.Dispose(); return false; }
        }, "a place freed by the closed connection", () => "still refused", TimeSpan.FromSeconds(10));
        // Closed before the server stops: a server waits for open WebSockets up to its shutdown timeout.
        foreach (var ws in open)
        {
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            ws.Dispose();
        }
        await app.StopAsync();
    }

    [Fact]
    public void Each_client_uploads_its_budget_a_minute_and_no_more()
    {
        long now = 0; // the quota's clock: milliseconds, as a fake clock must be
        var quota = new UploadQuota(bytesPerMinute: 1_000, clock: () => now);
        quota.Take("10.0.0.1", 600);
        quota.Take("10.0.0.1", 400);
        var spent = Assert.Throws<InvalidInputError>(() => quota.Take("10.0.0.1", 1));
        Assert.Equal(UploadQuota.Code, spent.Code);
        Assert.Contains("retry in", spent.Message);
        quota.Take("10.0.0.2", 1_000); // another client has its own budget

        now += 30_000; // half a minute refills half the budget
        quota.Take("10.0.0.1", 500);
        Assert.Throws<InvalidInputError>(() => quota.Take("10.0.0.1", 1));

        var tooBig = Assert.Throws<InvalidInputError>(() => quota.Take("10.0.0.3", 1_001));
        Assert.Contains("exceed this node's upload budget", tooBig.Message);
        now += 600_000;
        quota.Take("10.0.0.3", 1_000); // a refusal took nothing, and the budget never exceeds one minute's
        Assert.Throws<InvalidInputError>(() => quota.Take("10.0.0.3", 1));
    }
}
