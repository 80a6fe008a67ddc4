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

    /// <summary>Subscribers per source address: under the gateway's default cap of 256 per client address.</summary>
    public const int PerSourceAddress = 200;

    private readonly ClientWebSocket _ws = new();

    /// <summary>An HTTP invoker whose connections leave from loopback address 127.0.0.<paramref name="lastOctet"/>.</summary>
    public static HttpMessageInvoker FromLoopback(int lastOctet)
    {
        var local = new System.Net.IPEndPoint(new System.Net.IPAddress([127, 0, 0, (byte)lastOctet]), 0);
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(local);
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
    }
    private readonly byte[] _buffer = new byte[8192];
    private Task? _receive;
    public List<(long Height, long Ticks)> Received { get; } = new(32);
    public long LastHeight;
    public string? Error { get; private set; }
    public bool ClosedCleanly { get; private set; }

    /// <summary>Connects from <paramref name="source"/> (an address of the 127.0.0.0/8 loopback net; null: the system's
    /// choice): the gateway caps the WebSockets one client address may hold (256 by default), as it should against
    /// one greedy client, so a thousand subscribers come from several addresses, as real subscribers would.</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken ct, HttpMessageInvoker? source = null)
    {
        _ws.Options.AddSubProtocol("graphql-transport-ws");
        _ws.Options.KeepAliveInterval = TimeSpan.Zero;
        if (source is null) await _ws.ConnectAsync(uri, ct);
        else await _ws.ConnectAsync(uri, source, ct);
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
