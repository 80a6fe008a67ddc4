using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenLedger.Grains.Hosting;
using static OpenLedger.Tests.Support.GraphQLWebSocket;

namespace OpenLedger.Tests.Clients;

public sealed partial class GraphQLMarketplaceTests
{
    /// <summary>How a client leaves: the moment it closes its socket, and how.</summary>
    public enum Leaving { RightAfterSubscribing, AfterAMoment, AfterTheListenersExist, AfterCompletingOne }

    /// <summary>
    /// Regression: a socket closed while its subscriptions were still being set up left their stream listeners behind
    /// until a 30 s orphan timer (the transport dropped a stream the executor had already opened when the operation
    /// was cancelled before it subscribed). Many sockets, closed at every point of a subscription's life, by a close
    /// handshake or by aborting the connection, concurrently: every listener is released well before that timer.
    /// </summary>
    [Fact]
    public async Task Stream_listeners_are_released_however_and_whenever_a_socket_closes()
    {
        var cases = (from leaving in Enum.GetValues<Leaving>()
                     from abort in new[] { false, true }
                     from copy in Enumerable.Range(0, 12)
                     select (leaving, abort, copy)).ToList();
        var streams = new List<(StreamId Stream, int Expected)>();
        var random = new Random(2026);
        foreach (var batch in cases.Chunk(12))
        {
            await Task.WhenAll(batch.Select(c =>
            {
                var datanet = MarketStreams.DatanetStream("0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
                var rewards = MarketStreams.RewardsStream("0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
                lock (streams) streams.AddRange([(datanet, 0), (rewards, 0)]);
                int delayMs;
                lock (random) delayMs = random.Next(0, 40);
                return OpenAndLeaveAsync(datanet, rewards, c.leaving, c.abort, delayMs);
            }));
        }
        // Released by the socket's end, not by the feeds' 30 s orphan timer.
        await ListenersAre($"every listener of {cases.Count} closed sockets released", [.. streams]);
    }

    private async Task OpenAndLeaveAsync(StreamId datanet, StreamId rewards, Leaving leaving, bool abort, int delayMs)
    {
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        await ws.ConnectAsync(node.WebSocketUrl, CancellationToken.None);
        await SendAsync(ws, new JsonObject { ["type"] = "connection_init" });
        Assert.Equal("connection_ack", S((await ReceiveAsync(ws))["type"]));
        JsonObject Subscribe(string id, string query) => new() { ["id"] = id, ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = query } };
        await SendAsync(ws, Subscribe("d1", $"subscription {{ datanetActivity(id: \"{datanet.GetKeyAsString()}\") {{ kind }} }}"));
        await SendAsync(ws, Subscribe("d2", $"subscription {{ datanetActivity(id: \"{datanet.GetKeyAsString()}\") {{ height }} }}"));
        await SendAsync(ws, Subscribe("r", $"subscription {{ rewards(address: \"{rewards.GetKeyAsString()}\") {{ amount }} }}"));
        switch (leaving)
        {
            case Leaving.AfterAMoment:
                await Task.Delay(delayMs);
                break;
            case Leaving.AfterTheListenersExist:
                await ListenersAre("three listeners on two streams", (datanet, 2), (rewards, 1));
                break;
            case Leaving.AfterCompletingOne:
                await ListenersAre("three listeners on two streams", (datanet, 2), (rewards, 1));
                await SendAsync(ws, new JsonObject { ["id"] = "d1", ["type"] = "complete" });
                await Task.Delay(delayMs);
                break;
        }
        if (abort) ws.Abort();
        else await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
