using System.Buffers;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// A request body or WebSocket message held in an array rented from the shared pool, so the bytes of each request
/// do not become a fresh array for the garbage collector; dispose to return the array.
/// </summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } array)
            ArrayPool<byte>.Shared.Return(array);
    }
}

/// <summary>Growing a rented buffer while reading a bounded body or message (shared by both transports).</summary>
internal static class PooledBuffers
{
    /// <summary>When <paramref name="length"/> fills the buffer, swaps it for one twice as large (capped at
    /// <paramref name="maxBytes"/> + 1, so one byte past the limit can still be seen), keeping the bytes read.</summary>
    public static void GrowIfFull(ref byte[] buffer, int length, int maxBytes)
    {
        if (length != buffer.Length) return;
        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
        buffer.AsSpan(0, length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = grown;
    }
}
