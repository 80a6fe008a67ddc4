using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// Reads a request body into a pooled buffer, giving up as soon as it passes the limit. Neither a lying
/// Content-Length nor a chunked body of unbounded length can make the server hold more than the limit (+1 byte).
/// </summary>
internal static class BoundedBodyReader
{
    /// <summary>The body, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<PooledBody?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;

        // Size the first buffer from Content-Length when given, but never trust it past the limit.
        var initial = (int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
        var length = 0;
        try
        {
            while (true)
            {
                PooledBuffers.GrowIfFull(ref buffer, length, maxBytes);
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
            return new PooledBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
