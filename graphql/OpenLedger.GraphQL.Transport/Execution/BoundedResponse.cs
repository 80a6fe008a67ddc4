using System.Buffers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GraphQL;
using OpenLedger.GraphQL.Transport.Http;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Serialises a result into a pooled buffer that refuses to grow past <see cref="GraphQLLimits.MaxResponseBytes"/>.
/// A result that does not fit is answered with one <see cref="GraphQLErrorCodes.ResponseTooLarge"/> error and
/// <c>"data": null</c> instead, so neither transport ever holds or sends more than the limit for one response.
/// <para>
/// With GraphQL.NET's System.Text.Json serializer (the usual host set-up) the result is written synchronously by a
/// <see cref="Utf8JsonWriter"/> straight into that buffer with the serializer's own options, so the bytes are the
/// same; any other serializer writes through a stream, which adds an asynchronous pass and a copy of every byte.
/// </para>
/// </summary>
internal static class BoundedResponse
{
    public static async Task<PooledBody> SerializeAsync(IGraphQLTextSerializer serializer, ExecutionResult result, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (DirectOptions(serializer) is { } options)
        {
            try
            {
                return Serialize(options, result, (int)maxBytes);
            }
            catch (Exception ex) when (IsOverflow(ex))
            {
                return Serialize(options, TooLarge(maxBytes), int.MaxValue - 1);
            }
        }

        var stream = new BoundedBufferStream((int)maxBytes);
        try
        {
            await serializer.WriteAsync(stream, result, cancellationToken).ConfigureAwait(false);
            return stream.Detach();
        }
        catch (Exception ex) when (IsOverflow(ex))
        {
            stream.Dispose();
            var refused = TooLarge(maxBytes);
            var small = new BoundedBufferStream(int.MaxValue - 1);
            await serializer.WriteAsync(small, refused, cancellationToken).ConfigureAwait(false);
            return small.Detach();
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="result"/> as <see cref="JsonSerializer"/> would into a stream with these options.</summary>
    public static PooledBody Serialize(JsonSerializerOptions options, ExecutionResult result, int maxBytes)
    {
        var buffer = new BoundedBufferWriter(maxBytes);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions(options)))
                JsonSerializer.Serialize(writer, result, options);
            return buffer.Detach();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    // What JsonSerializer derives from its options for the writers it creates itself.
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth,
        SkipValidation = true,
    };

    // GraphQL.NET keeps its serializer's options protected; they are read once per serializer instance.
    private static readonly PropertyInfo? SerializerOptionsProperty = typeof(global::GraphQL.SystemTextJson.GraphQLSerializer)
        .GetProperty("SerializerOptions", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly ConditionalWeakTable<IGraphQLTextSerializer, JsonSerializerOptions?> OptionsBySerializer = [];

    /// <summary>The options of GraphQL.NET's System.Text.Json serializer itself (not of a subclass, which may write
    /// differently), or <see langword="null"/>.</summary>
    internal static JsonSerializerOptions? DirectOptions(IGraphQLTextSerializer serializer) =>
        serializer.GetType() != typeof(global::GraphQL.SystemTextJson.GraphQLSerializer) || SerializerOptionsProperty is null
            ? null
            : OptionsBySerializer.GetValue(serializer, s => SerializerOptionsProperty.GetValue(s) as JsonSerializerOptions);

    /// <summary>The answer in place of a result too large to send: execution happened, so <c>"data": null</c>.</summary>
    public static ExecutionResult TooLarge(long maxBytes) => new()
    {
        Executed = true,
        Data = null,
        Errors = [ResponseTooLargeError.Create(maxBytes)],
    };

    // The serializer may wrap what the stream throws.
    private static bool IsOverflow(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is ResponseOverflowException) return true;
        return false;
    }

    private sealed class ResponseOverflowException() : Exception("The response exceeds the configured maximum.");

    /// <summary>An <see cref="IBufferWriter{T}"/> over a rented array that throws once more than the limit is written.</summary>
    private sealed class BoundedBufferWriter(int maxBytes) : IBufferWriter<byte>, IDisposable
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, maxBytes + 1));
        private int _length;

        public PooledBody Detach()
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(BoundedBufferWriter));
            _buffer = null;
            return new PooledBody(buffer, _length);
        }

        public void Advance(int count)
        {
            if ((long)_length + count > maxBytes) throw new ResponseOverflowException();
            _length += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_length);

        public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_length);

        private byte[] Reserve(int sizeHint)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(BoundedBufferWriter));
            var needed = (long)_length + Math.Max(sizeHint, 1);
            if (needed <= buffer.Length) return buffer;
            // The writer asks for room for the worst case of its next value before it knows what it writes, so room
            // past the limit is given and refused only when used (Advance); the buffer stays within limit + one request.
            var size = Math.Min(Math.Max((long)buffer.Length * 2, needed), Math.Max(needed, maxBytes + 1L));
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
            buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(buffer);
            return _buffer = grown;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A write-only stream over a rented array that throws once more than the limit is written.</summary>
    private sealed class BoundedBufferStream(int maxBytes) : Stream
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, maxBytes + 1));
        private int _length;

        public PooledBody Detach()
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(BoundedBufferStream));
            _buffer = null;
            return new PooledBody(buffer, _length);
        }

        public override void Write(ReadOnlySpan<byte> source)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(BoundedBufferStream));
            if ((long)_length + source.Length > maxBytes) throw new ResponseOverflowException();
            if (_length + source.Length > buffer.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max((long)buffer.Length * 2, _length + source.Length), (long)maxBytes + 1));
                buffer.AsSpan(0, _length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = grown;
            }
            source.CopyTo(buffer.AsSpan(_length));
            _length += source.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Write(source.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
            base.Dispose(disposing);
        }
    }
}
