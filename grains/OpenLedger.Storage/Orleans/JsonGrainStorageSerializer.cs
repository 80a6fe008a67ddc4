using System.Text.Json;
using Orleans.Storage;

namespace OpenLedger.Storage;

/// <summary>
/// Stores grain state as plain System.Text.Json: the shape of the state type, no <c>$type</c> names.
/// The type to read comes from the grain's <c>IPersistentState&lt;T&gt;</c>, so renaming or moving a state
/// type does not orphan its stored data (renaming a property still does: keep JSON names stable).
/// </summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Uses <see cref="CreateDefaultOptions"/>.</summary>
    public JsonGrainStorageSerializer()
        : this(CreateDefaultOptions())
    {
    }

    /// <summary>Uses the given options (add converters for domain types here).</summary>
    public JsonGrainStorageSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MakeReadOnly(populateMissingResolver: true);
        _options = options;
    }

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options => _options;

    /// <summary>
    /// camelCase names, case-insensitive reads, unknown properties ignored (an older silo can read state written by
    /// a newer one); numbers are written as numbers, never as strings; hashes and addresses as 0x hex.
    /// </summary>
    public static JsonSerializerOptions CreateDefaultOptions() => new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        Converters = { new Hash32JsonConverter(), new AddressJsonConverter() },
    };

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    /// <inheritdoc />
    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)!;
    }
}
