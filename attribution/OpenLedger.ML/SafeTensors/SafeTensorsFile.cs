using System.Buffers.Binary;
using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.SafeTensors;

/// <summary>The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{"__metadata__": {..}, "name": {"dtype", "shape", "data_offsets": [begin, end]}, ...}</c>, padded with spaces
/// to a multiple of 8), then the tensors' raw bytes, offsets relative to the end of the header.
/// Writing is canonical: metadata first, tensors in ordinal name order both in the header and in the data, no
/// whitespace but the padding. So equal tensors and metadata give byte-identical files, and the file's keccak256
/// (<see cref="Hash"/>) can be registered on chain as the adapter's or model's identity.</summary>
public sealed class SafeTensorsFile
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Larger headers are refused before parsing, as the reference implementation does (100 MB).</summary>
    private const long MaxHeaderLength = 100_000_000;

    private SafeTensorsFile(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, SafeTensorEntry> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors by name; their data are slices of the parsed buffer.</summary>
    public IReadOnlyDictionary<string, SafeTensorEntry> Tensors { get; }

    public static Hash32 Hash(ReadOnlySpan<byte> file) => Keccak256.Hash(file);

    /// <summary>The canonical bytes of a file holding <paramref name="tensors"/> and <paramref name="metadata"/>.</summary>
    public static byte[] Serialize(IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian");
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Name == ordered[i - 1].Name) throw new ArgumentException($"tensor '{ordered[i].Name}' appears twice");

        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in ordered)
            {
                if (tensor.Name == MetadataKey) throw new ArgumentException($"a tensor may not be named {MetadataKey}");
                if (!SafeTensorEntry.ElementSizes.ContainsKey(tensor.DType)) throw new ArgumentException($"{tensor.Name}: unknown dtype {tensor.DType}");
                if (tensor.Shape.Any(d => d < 0)) throw new ArgumentException($"{tensor.Name}: negative dimension");
                if (tensor.Data.Length != tensor.ByteLength)
                    throw new ArgumentException($"{tensor.Name}: {tensor.Data.Length} bytes for {tensor.ByteLength} expected");
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += tensor.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var headerLength = (header.Length + 7) / 8 * 8; // data starts 8-byte aligned, like the reference writer
        var file = new byte[checked(8 + headerLength + ordered.Sum(t => t.ByteLength))];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        header.GetBuffer().AsSpan(0, (int)header.Length).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + (int)header.Length, (int)(headerLength - header.Length)).Fill((byte)' ');
        var position = 8 + (int)headerLength;
        foreach (var tensor in ordered)
        {
            tensor.Data.Span.CopyTo(file.AsSpan(position));
            position += tensor.Data.Length;
        }
        return file;
    }

    /// <summary>Parses and validates a file: a known dtype and a byte range of exactly the shape's size for every
    /// tensor, and ranges that tile the data section with no gap or overlap. Throws
    /// <see cref="InvalidDataException"/> on anything else.</summary>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> file)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian");
        if (file.Length < 8) throw new InvalidDataException("safetensors file shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Span);
        if (headerLength > MaxHeaderLength || (long)headerLength > file.Length - 8)
            throw new InvalidDataException($"safetensors header length {headerLength} does not fit a {file.Length}-byte file");
        var data = file[(8 + (int)headerLength)..];

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        try
        {
            using var document = JsonDocument.Parse(file.Slice(8, (int)headerLength));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("safetensors header is not a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtype = property.Value.GetProperty("dtype").GetString() ?? "";
                if (!SafeTensorEntry.ElementSizes.ContainsKey(dtype)) throw new InvalidDataException($"{property.Name}: unknown dtype '{dtype}'");
                var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                if (shape.Any(d => d < 0)) throw new InvalidDataException($"{property.Name}: negative dimension");
                var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                    throw new InvalidDataException($"{property.Name}: data_offsets [{string.Join(", ", offsets)}] outside the {data.Length}-byte data");
                var entry = new SafeTensorEntry(property.Name, dtype, shape, data[(int)offsets[0]..(int)offsets[1]]);
                if (entry.ByteLength != offsets[1] - offsets[0])
                    throw new InvalidDataException($"{property.Name}: {offsets[1] - offsets[0]} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
                if (!tensors.TryAdd(property.Name, entry)) throw new InvalidDataException($"tensor '{property.Name}' appears twice");
                ranges.Add((offsets[0], offsets[1], property.Name));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"malformed safetensors header: {e.Message}", e);
        }

        long expected = 0;
        foreach (var (begin, end, name) in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (begin != expected) throw new InvalidDataException($"{name}: data starts at {begin}, expected {expected} (gap or overlap)");
            expected = end;
        }
        if (expected != data.Length) throw new InvalidDataException($"{data.Length - expected} trailing bytes after the last tensor");
        return new SafeTensorsFile(metadata, tensors);
    }
}
