using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Storage;

/// <summary>Hashes in grain state as 0x hex strings (readable in the database, and stable: not a struct's layout).</summary>
public sealed class Hash32JsonConverter : JsonConverter<Hash32>
{
    public override Hash32 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Hash32.TryParse(reader.GetString(), out var hash) ? hash : throw new JsonException("expected a 0x-prefixed 32-byte hex hash");

    public override void Write(Utf8JsonWriter writer, Hash32 value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>Addresses in grain state as 0x hex strings.</summary>
public sealed class AddressJsonConverter : JsonConverter<Address>
{
    public override Address Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Address.TryParse(reader.GetString(), out var address) ? address : throw new JsonException("expected a 0x-prefixed 20-byte hex address");

    public override void Write(Utf8JsonWriter writer, Address value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
