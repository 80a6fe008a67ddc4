using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OpenLedger.Benchmarks.GraphQL;

/// <summary>One graphql-transport-ws client subscribed to <c>blocks</c>: records (height, receive time) for every
/// <c>next</c> it gets.</summary>
public sealed class SubscriptionClient
{
    private static readonly byte[] Init = Encoding.UTF8.GetBytes("""{"type":"connection_init"}""");
    private static readonly byte[] Subscribe = Encoding.UTF8.GetBytes("""{"id":"1","type":"subscribe","payload":{"query":"subscription { blocks { height timestamp } }"}}""");
    private static readonly byte[] Complete = Encoding.UTF8.GetBytes("""{"id":"1","type":"complete"}""");
    private static readonly byte[] Pong = Encoding.UTF8.GetBytes("""{"type":"pong"}""");

    private readonly ClientWebSocket _ws = new();
    private readonly byte[] _buffer = new byte[8192];
    private Task? _receive;
    public List<(long Height, long Ticks)> Received { get; } = new(32);
    public long LastHeight;
    public string? Error { get; private set; }
    public bool ClosedCleanly { get; private set; }

    public async Task ConnectAsync(Uri uri, CancellationToken ct)
    {
        _ws.Options.AddSubProtocol("graphql-transport-ws");
        _ws.Options.KeepAliveInterval = TimeSpan.Zero;
        await _ws.ConnectAsync(uri, ct);
        if (_ws.SubProtocol != "graphql-transport-ws") throw new InvalidOperationException($"server chose sub-protocol '{_ws.SubProtocol}'");
        await _ws.SendAsync(Init, WebSocketMessageType.Text, true, ct);
        var (type, _) = await ReceiveAsync(ct);
        if (type != "connection_ack") throw new InvalidOperationException($"expected connection_ack, got {type}");
        await _ws.SendAsync(Subscribe, WebSocketMessageType.Text, true, ct);
        _receive = Task.Run(ReceiveLoopAsync);
    }

    private async Task<(string? Type, JsonDocument? Doc)> ReceiveAsync(CancellationToken ct)
    {
        int length = 0;
        while (true)
        {
            var r = await _ws.ReceiveAsync(_buffer.AsMemory(length), ct);
            if (r.MessageType == WebSocketMessageType.Close) return ("close", null);
            length += r.Count;
            if (r.EndOfMessage) break;
            if (length == _buffer.Length) throw new InvalidOperationException("message larger than the client buffer");
        }
        var doc = JsonDocument.Parse(_buffer.AsMemory(0, length));
        return (doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null, doc);
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult r;
                while (true)
                {
                    r = await _ws.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    length += r.Count;
                    if (r.EndOfMessage) break;
                }
                var now = Stopwatch.GetTimestamp();
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    ClosedCleanly = _ws.CloseStatus == WebSocketCloseStatus.NormalClosure;
                    if (_ws.State == WebSocketState.CloseReceived)
                        await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }
                using var doc = JsonDocument.Parse(_buffer.AsMemory(0, length));
                var type = doc.RootElement.GetProperty("type").GetString();
                switch (type)
                {
                    case "next":
                        var height = doc.RootElement.GetProperty("payload").GetProperty("data").GetProperty("blocks").GetProperty("height").GetInt64();
                        Received.Add((height, now));
                        Volatile.Write(ref LastHeight, height);
                        break;
                    case "ping":
                        await _ws.SendAsync(Pong, WebSocketMessageType.Text, true, CancellationToken.None);
                        break;
                    case "complete":
                        break;
                    default:
                        Error ??= Encoding.UTF8.GetString(_buffer, 0, length);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Error ??= e.Message;
        }
    }

    /// <summary>Completes the subscription and performs the closing handshake (the receive loop answers the server's close).</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        try
        {
            await _ws.SendAsync(Complete, WebSocketMessageType.Text, true, ct);
            await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
            if (_receive is not null) await _receive.WaitAsync(ct);
            ClosedCleanly = _ws.State == WebSocketState.Closed && _ws.CloseStatus == WebSocketCloseStatus.NormalClosure;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
            Error ??= "close: " + e.Message;
        }
        finally { _ws.Dispose(); }
    }
}
