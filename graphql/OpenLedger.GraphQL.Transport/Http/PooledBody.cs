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
