using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenLedger.Tests.Support;

/// <summary>The few frames of the graphql-transport-ws protocol the subscription tests speak by hand (to see exactly
/// what the node sends, errors included), over a plain <see cref="ClientWebSocket"/>.</summary>
public static class GraphQLWebSocket
{
    /// <summary>Connects to <paramref name="url"/> and completes the connection_init / connection_ack handshake.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri url)
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        await ws.ConnectAsync(url, CancellationToken.None);
        await SendAsync(ws, new JsonObject { ["type"] = "connection_init" });
        var ack = await ReceiveAsync(ws);
        Assert.Equal("connection_ack", ack["type"]!.GetValue<string>());
        return ws;
    }

    public static JsonObject Subscribe(string id, string query) =>
        new() { ["id"] = id, ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = query } };

    public static async Task SendAsync(ClientWebSocket ws, JsonObject message) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message, within <paramref name="timeout"/> (10 s by default).</summary>
    public static async Task<JsonNode> ReceiveAsync(ClientWebSocket ws, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer, cts.Token);
            text.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return JsonNode.Parse(text.ToArray())!;
    }

    /// <summary>The errors of a refused subscription: an "error" message's payload, or a "next" payload's errors.</summary>
    public static JsonArray ErrorsOf(JsonNode message) =>
        (message["type"]!.GetValue<string>() == "error" ? message["payload"] : message["payload"]?["errors"]) as JsonArray
        ?? throw new Xunit.Sdk.XunitException($"no errors in {message.ToJsonString()}");
}
