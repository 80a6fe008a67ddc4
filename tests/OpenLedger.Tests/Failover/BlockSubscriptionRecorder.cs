using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Failover;

/// <summary>A GraphQL <c>blocks</c> subscription on a gateway (graphql-transport-ws over a WebSocket), recording every
/// height it delivers, in arrival order, until disposed. It answers the server's pings; it never cancels a receive
/// (a cancelled receive aborts a ClientWebSocket).</summary>
public sealed class BlockSubscriptionRecorder : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly ConcurrentQueue<long> _heights = new();
    private readonly Task _loop;
    private volatile string? _ended;

    private BlockSubscriptionRecorder(ClientWebSocket ws)
    {
        _ws = ws;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Every height delivered, in order of arrival.</summary>
    public IReadOnlyList<long> Heights => _heights.ToArray();

    /// <summary>Why the subscription ended (an error, completion, a closed socket), or null while it runs.</summary>
    public string? Ended => _ended;

    public static async Task<BlockSubscriptionRecorder> StartAsync(Uri url)
    {
        var ws = await GraphQLWebSocket.ConnectAsync(url);
        await GraphQLWebSocket.SendAsync(ws, GraphQLWebSocket.Subscribe("blocks", "subscription { blocks { height } }"));
        return new BlockSubscriptionRecorder(ws);
    }

    /// <summary>Waits until a height at or above <paramref name="height"/> has arrived; false on timeout.</summary>
    public async Task<bool> WaitForAsync(long height, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_heights.Any(h => h >= height)) return true;
            if (_ended is not null) return false;
            await Task.Delay(50);
        }
        return false;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                using var text = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) { _ended = $"closed: {result.CloseStatus} {result.CloseStatusDescription}"; return; }
                    text.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                var message = JsonNode.Parse(text.ToArray())!;
                var height = message["payload"]?["data"]?["blocks"]?["height"];
                switch (message["type"]?.GetValue<string>())
                {
                    case "next" when height is not null:
                        _heights.Enqueue(long.Parse(height.ToString(), System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    case "ping":
                        await _ws.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"pong\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
                        break;
                    case "pong":
                        break;
                    default:
                        _ended = $"unexpected message: {message.ToJsonString()}";
                        return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _ended ??= $"socket: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ended ??= "disposed";
        try { _ws.Abort(); } catch (ObjectDisposedException) { }
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _ws.Dispose();
    }
}
