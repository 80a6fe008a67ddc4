using System.Buffers;
using System.Net.WebSockets;
using OpenLedger.GraphQL.Transport.Http;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>What one read from the socket produced.</summary>
internal enum ReceivedKind
{
    Text,
    Binary,
    Close,
    /// <summary>The message grew past the limit; reading stopped there and the rest is left unread.</summary>
    TooLarge,
}

/// <summary>
/// Reassembles one whole WebSocket message (it may arrive in many frames) into a pooled buffer, refusing to hold
/// more than the limit: a client cannot make the server buffer an endless message.
/// </summary>
internal static class WebSocketMessageReader
{
    public static async Task<(ReceivedKind Kind, PooledBody? Body)> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, maxBytes + 1));
        var length = 0;
        try
        {
            while (true)
            {
                PooledBuffers.GrowIfFull(ref buffer, length, maxBytes);

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (ReceivedKind.Close, null);
                }

                length += result.Count;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (ReceivedKind.TooLarge, null);
                }

                if (result.EndOfMessage)
                {
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (ReceivedKind.Binary, null);
                    }
                    return (ReceivedKind.Text, new PooledBody(buffer, length));
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
