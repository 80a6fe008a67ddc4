using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>Reads the <c>attribution</c> section of a Model Factory training record (format
/// <c>openledger-training-record/2</c>, OpenLedger.ML's <c>TrainingRecord</c>) with System.Text.Json alone. A record
/// without the section (format 1, written before attribution indexes existed), or bytes that are not a training
/// record, read as null: such a model has no index its inferences could be attributed with.</summary>
public static class TrainingRecordReader
{
    public static AttributionIndexInfo? TryReadIndexes(Hash32 trainingRecord, uint modelVersion, byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("attribution", out var a) || a.ValueKind != JsonValueKind.Object) return null;
            var influence = a.GetProperty("influenceIndex");
            var span = a.GetProperty("spanIndex");
            return new AttributionIndexInfo(trainingRecord, modelVersion,
                Hash(influence), influence.GetProperty("bytes").GetInt64(), influence.GetProperty("rows").GetInt32(),
                influence.GetProperty("dimension").GetInt32(), Str(influence, "method"), Str(influence, "preconditioner"),
                influence.GetProperty("damping").GetDouble(),
                Hash(span), span.GetProperty("bytes").GetInt64(), span.GetProperty("tokens").GetInt64(), span.GetProperty("documents").GetInt32());
        }
        // Not JSON, or a member missing or of another type: not a training record with indexes.
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static Hash32 Hash(JsonElement index) =>
        Hash32.TryParse(Str(index, "keccak"), out var h) ? h : throw new FormatException("'keccak' is not a hash");
}
