using System.Text;
using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>
/// Reads an attribution record (format version 1, the canonical JSON of OpenLedger.ML's <c>AttributionRecordJson</c>)
/// with System.Text.Json alone, so the gateway needs no ML engine. It reads what a viewer needs and checks the types of
/// what it reads; it does not re-derive the canonical bytes or the scores: the content store already guarantees the
/// bytes hash to the on-chain record hash, and recomputing the scores is <c>openledger attribution verify</c>'s job.
/// Anything that is not such a record (a hand settlement may name any content) reads as null.
/// </summary>
public static class AttributionRecordReader
{
    /// <summary>The record format version this reader understands.</summary>
    public const int Version = 1;

    public static InferenceAttribution? TryRead(Hash32 inference, Hash32 record, byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
            var r = document.RootElement;
            if (r.ValueKind != JsonValueKind.Object || Int(r, "version") != Version) return null;
            var method = r.GetProperty("method");
            return new InferenceAttribution(
                inference, record, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes),
                Str(method, "name"), Int(method, "maxAttributions"),
                Hash(r, "indexHash"), Hash(r, "modelId"), checked((uint)r.GetProperty("modelVersion").GetInt64()),
                Hash(r, "inferenceId"), Hash(r, "inputHash"), Hash(r, "outputHash"), Int(r, "outputTokens"),
                [.. r.GetProperty("contributions").EnumerateArray().Select(c =>
                    new AttributionShare(Hash(c, "contribution"), Num(c, "score"), Num(c, "share"), c.GetProperty("weight").GetUInt64()))],
                [.. r.GetProperty("spans").EnumerateArray().Select(s =>
                    new AttributionSpan(Int(s, "start"), Int(s, "length"), Int(s, "count"),
                        s.GetProperty("text").ValueKind == JsonValueKind.Null ? null : Str(s, "text"),
                        [.. s.GetProperty("contributions").EnumerateArray().Select(x => x.GetString() ?? throw new FormatException("a null contribution id"))]))]);
        }
        // Not JSON, not UTF-8, a member missing or of another type, a number out of range: not a record this reader knows.
        catch (Exception e) when (e is JsonException or DecoderFallbackException or KeyNotFoundException or InvalidOperationException
                                       or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static double Num(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static Hash32 Hash(JsonElement e, string name) =>
        Hash32.TryParse(Str(e, name), out var h) ? h : throw new FormatException($"'{name}' is not a hash");
}
