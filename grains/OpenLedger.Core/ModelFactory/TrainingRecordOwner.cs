using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.ModelFactory;

/// <summary>The owner a training record names: the account that started its job with a signed request (records of
/// format <c>openledger-training-record/4</c>; older records and operator jobs started without an owner name none).
/// Only the owner may register a model, or a model version, on a record that names one.</summary>
public static class TrainingRecordOwner
{
    /// <summary>The record's top-level member holding the owner's address.</summary>
    public const string Member = "owner";

    /// <summary>The owner, or null when the record names none or is not a JSON object (then it binds nobody).</summary>
    public static Address? Read(ReadOnlySpan<byte> record)
    {
        try
        {
            var reader = new Utf8JsonReader(record);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(Member, out var owner)
                   && owner.ValueKind == JsonValueKind.String && Address.TryParse(owner.GetString(), out var address)
                ? address
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
