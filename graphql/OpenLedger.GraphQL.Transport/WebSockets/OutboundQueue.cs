using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;
using Microsoft.Extensions.Logging;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// The only writer of a connection's socket. A WebSocket allows one send at a time, while messages come from many
/// threads (the receive loop, executions, stream callbacks); they are queued here in order and one pump sends them,
/// and the close frame takes the same lock so it never interleaves with a message. The queue is bounded: a client
/// that stops reading gets closed (1008) instead of making the server buffer its events without end.
/// </summary>
internal sealed class OutboundQueue
{
    // How long a close may wait for a send in progress before the socket is aborted instead.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly IGraphQLTextSerializer _serializer;
    private readonly ILogger _logger;
    private readonly Action _onClosing;
    private readonly Channel<OutgoingMessage> _channel;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly long _maxResponseBytes;
    private int _closing;

    /// <param name="maxResponseBytes">The largest payload of one <c>next</c> message (<see cref="GraphQLLimits.MaxResponseBytes"/>).</param>
    /// <param name="onClosing">Called once when the server starts closing, whatever the reason.</param>
    public OutboundQueue(WebSocket socket, IGraphQLTextSerializer serializer, int capacity, long maxResponseBytes, ILogger logger, Action onClosing)
    {
        _socket = socket;
        _serializer = serializer;
        _maxResponseBytes = maxResponseBytes;
        _logger = logger;
        _onClosing = onClosing;
        _channel = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: a full queue fails the write, it never blocks
        });
    }

    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    public void Enqueue(OutgoingMessage message)
    {
        if (_channel.Writer.TryWrite(message) || IsClosing) return;
        _ = CloseAsync(GraphQLWsCloseCodes.PolicyViolation, "Too many pending messages: the client is not reading");
    }

    /// <summary>Sends queued messages until the connection closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (message.Operation is { IsCancelled: true }) continue;

                ReadOnlyMemory<byte> bytes;
                try
                {
                    bytes = await SerializeAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Could not serialize a graphql-transport-ws '{Type}' message", message.Type);
                    _ = CloseAsync(GraphQLWsCloseCodes.InternalServerError, "Internal server error");
                    return;
                }

                await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (IsClosing) return;
                    await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection ended under us; the receive loop notices the same and cleans up.
        }
    }

    /// <summary>
    /// Sends the close frame (once; later calls do nothing) after the message being sent, if any. Queued messages are
    /// dropped: after a close nothing else may be sent.
    /// </summary>
    public async Task CloseAsync(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return;
        _channel.Writer.TryComplete();
        _onClosing();

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync((WebSocketCloseStatus)code, TruncateReason(reason), timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> SerializeAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // A result is bounded by the response size limit, like an HTTP response; a larger one becomes its error.
        using var payload = message.Result is null ? null
            : await BoundedResponse.SerializeAsync(_serializer, message.Result, _maxResponseBytes, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            if (message.Id is not null) writer.WriteString("id", message.Id);
            writer.WriteString("type", message.Type);
            // The payloads go through the host's GraphQL serializer so they match the HTTP transport byte for byte.
            if (payload is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(payload.Memory.Span, skipInputValidation: true);
            }
            else if (message.Errors is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(_serializer.Serialize(message.Errors), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return _buffer.WrittenMemory;
    }

    /// <summary>A close reason is limited to 123 UTF-8 bytes by RFC 6455; ids and messages echoed in it are cut to fit.</summary>
    internal static string TruncateReason(string reason)
    {
        const int maxBytes = 123;
        if (Encoding.UTF8.GetByteCount(reason) <= maxBytes) return reason;
        var length = Math.Min(reason.Length, maxBytes);
        while (length > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > maxBytes) length--;
        if (length > 0 && char.IsHighSurrogate(reason[length - 1])) length--;
        return reason[..length];
    }
}
