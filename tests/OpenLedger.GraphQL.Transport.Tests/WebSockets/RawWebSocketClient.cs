using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OpenLedger.GraphQL.Transport.Tests.WebSockets;

/// <summary>
/// A bare <see cref="ClientWebSocket"/> speaking graphql-transport-ws by hand, so the tests can send exactly the frames
/// (valid or not) they mean to and observe the server's close codes.
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;

    private RawWebSocketClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;
    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<RawWebSocketClient> ConnectAsync(Uri uri, params string[] subProtocols)
    {
        var socket = new ClientWebSocket();
        foreach (var protocol in subProtocols) socket.Options.AddSubProtocol(protocol);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new RawWebSocketClient(socket);
    }

    public static Task<RawWebSocketClient> ConnectAsync(Uri uri) => ConnectAsync(uri, "graphql-transport-ws");

    /// <summary>Connects and completes connection_init / connection_ack.</summary>
    public static async Task<RawWebSocketClient> ConnectAndInitAsync(Uri uri)
    {
        var client = await ConnectAsync(uri);
        await client.SendAsync("""{"type":"connection_init"}""");
        var ack = await client.ReceiveAsync();
        Assert.Equal("connection_ack", ack.GetProperty("type").GetString());
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(JsonSerializer.Serialize(new { id, type = "subscribe", payload = new { query, variables } }));

    public Task CompleteAsync(string id) => SendAsync(JsonSerializer.Serialize(new { id, type = "complete" }));

    /// <summary>The next message; fails if the server closes instead or nothing comes in time.</summary>
    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null)
    {
        var (message, close) = await ReceiveOrCloseAsync(timeout);
        if (message is { } m) return m;
        throw new Xunit.Sdk.XunitException($"expected a message, the server closed with {close}");
    }

    /// <summary>The next message, or the close status if the server closed the socket.</summary>
    public async Task<(JsonElement? Message, (int Code, string Reason)? Close)> ReceiveOrCloseAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellation.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                var close = ((int)result.CloseStatus!.Value, result.CloseStatusDescription ?? "");
                if (_socket.State == WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return (null, close);
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                using var document = JsonDocument.Parse(message.ToArray());
                return (document.RootElement.Clone(), null);
            }
        }
    }

    /// <summary>Reads (and discards) messages until the server closes; returns the close code and reason.</summary>
    public async Task<(int Code, string Reason)> ExpectCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var (_, close) = await ReceiveOrCloseAsync(timeout);
            if (close is { } c) return c;
        }
    }

    /// <summary>Proves the connection is alive and everything sent before was processed: ping, and wait for its pong.</summary>
    public async Task<List<JsonElement>> PingAndCollectUntilPongAsync()
    {
        await SendAsync("""{"type":"ping"}""");
        var before = new List<JsonElement>();
        while (true)
        {
            var message = await ReceiveAsync();
            if (message.GetProperty("type").GetString() == "pong") return before;
            before.Add(message);
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }
        _socket.Dispose();
    }
}

public static class MessageExtensions
{
    public static string Type(this JsonElement message) => message.GetProperty("type").GetString()!;
    public static string? Id(this JsonElement message) => message.TryGetProperty("id", out var id) ? id.GetString() : null;
}
