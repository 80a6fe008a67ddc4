using System.Buffers.Binary;
using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.ModelFactory;

/// <summary>The owner an adapter names: an owned job writes its owner's address into the adapter's safetensors
/// <c>__metadata__</c> (member <see cref="MetadataKey"/>), as its training record does, so the adapter bytes cannot be
/// registered by another account with a record of its own making. Adapters of jobs without an owner carry no such
/// member (byte for byte as before) and bind nobody.</summary>
/// <remarks>Only the header is read (8-byte little-endian length, then that many bytes of JSON), at most
/// <see cref="MaxHeaderLength"/> of it: the node runs this at admission on bytes anyone may have uploaded, so anything
/// malformed names no owner rather than throwing. The tensors are not looked at (serving validates them).</remarks>
public static class AdapterOwner
{
    /// <summary>The safetensors header member holding string metadata.</summary>
    public const string MetadataSection = "__metadata__";

    /// <summary>The metadata member holding the owner's 0x address.</summary>
    public const string MetadataKey = "owner";

    /// <summary>Longer headers name no owner. A LoRA adapter's header is a few kilobytes (one entry per tensor).</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>The owner, or null when the file names none or its header is not a bounded safetensors JSON object.</summary>
    public static Address? Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8) return null;
        var length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > MaxHeaderLength || length > (ulong)(file.Length - 8)) return null;
        try
        {
            var reader = new Utf8JsonReader(file.Slice(8, (int)length));
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty(MetadataSection, out var metadata) && metadata.ValueKind == JsonValueKind.Object
                   && metadata.TryGetProperty(MetadataKey, out var owner) && owner.ValueKind == JsonValueKind.String
                   && Address.TryParse(owner.GetString(), out var address)
                ? address
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
