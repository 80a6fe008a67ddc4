using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution.Records;

/// <summary>
/// The canonical bytes of an <see cref="AttributionRecord"/>: canonical JSON (RFC 8785, see
/// <see cref="CanonicalJsonWriter"/>). JSON rather than a binary form because the people who read a record are auditors
/// and API clients: it is legible as is, GraphQL can hand it over unchanged, and any JCS library in any language
/// re-derives the exact bytes (hence the hash) from the parsed values without this code. The cost (a few hundred
/// bytes more than binary for a top-8 record) is nothing next to the index it points at.
/// <para>Types are fixed per member, never chosen by value: hashes are <c>"0x"</c> + 64 lowercase hex digits; scores
/// and shares are JSON numbers (exactly the double they came from: shortest round-trip digits); counts, positions,
/// weights and the scale are JSON integers (all at most 2^53, so exact in every JSON reader); the projection seed, a
/// 64-bit value, is a decimal string; an absent adapter hash or span text is <c>null</c>. Member names are camelCase.</para>
/// <para><see cref="Parse"/> is strict: one JSON value; <c>version</c> first checked against
/// <see cref="AttributionRecord.CurrentVersion"/>; exactly the defined members in sorted order; every value
/// type- and range-checked and the record rebuilt through its validating constructor; finally the rebuilt record's
/// encoding must be the given bytes, so <c>Parse(bytes).Encode()</c> equals <c>bytes</c> whenever Parse returns.</para>
/// </summary>
public static class AttributionRecordJson
{
    public static byte[] Encode(AttributionRecord record)
    {
        var m = record.Method;
        var w = new CanonicalJsonWriter();
        w.Object(
            ("version", j => j.Integer(record.Version)),
            ("method", j => j.Object(
                ("name", k => k.String(m.Name)),
                ("projection", k => k.Object(
                    ("inputDims", p => p.Integer(m.Projection.InputDims)),
                    ("outputDims", p => p.Integer(m.Projection.OutputDims)),
                    ("seed", p => p.String(m.Projection.Seed.ToString(CultureInfo.InvariantCulture))))),
                ("preconditioner", k => k.String(PreconditionerName(m.Preconditioner))),
                ("damping", k => k.Number(m.Damping)),
                ("maxAttributions", k => k.Integer(m.MaxAttributions)),
                ("weightScale", k => k.Integer((long)m.WeightScale)),
                ("tailRule", k => k.String(m.TailRule)))),
            ("indexHash", j => j.String(record.IndexHash.ToString())),
            ("modelId", j => j.String(record.ModelId.ToString())),
            ("modelVersion", j => j.Integer(record.ModelVersion)),
            ("adapterHash", j => _ = record.AdapterHash is { } a ? j.String(a.ToString()) : j.Null()),
            ("inferenceId", j => j.String(record.InferenceId.ToString())),
            ("inputHash", j => j.String(record.InputHash.ToString())),
            ("outputHash", j => j.String(record.OutputHash.ToString())),
            ("outputTokens", j => j.Integer(record.OutputTokens)),
            ("contributions", j => j.Array(record.Contributions, (k, c) => k.Object(
                ("contribution", x => x.String(c.Contribution.ToString())),
                ("score", x => x.Number(c.Score)),
                ("share", x => x.Number(c.Share)),
                ("weight", x => x.Integer((long)c.Weight))))),
            ("spans", j => j.Array(record.Spans, (k, s) => k.Object(
                ("start", x => x.Integer(s.Start)),
                ("length", x => x.Integer(s.Length)),
                ("count", x => x.Integer(s.Count)),
                ("text", x => _ = s.Text is { } t ? x.String(t) : x.Null()),
                ("contributions", x => x.Array(s.Contributions, (y, id) => y.String(id)))))));
        return w.ToUtf8();
    }

    public static AttributionRecord Parse(ReadOnlySpan<byte> bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidAttributionRecordException(RecordFault.NotJson, e.Message);
        }
        AttributionRecord record;
        using (document)
            record = Read(document.RootElement);
        if (!record.Encode().AsSpan().SequenceEqual(bytes))
            throw new InvalidAttributionRecordException(RecordFault.NonCanonical, "the bytes are a valid record but not its canonical encoding (whitespace, number or string spelling)");
        return record;
    }

    private static AttributionRecord Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Bad("the record is not a JSON object");
        // The version decides the schema, so it is read before the members are checked against this version's.
        if (!root.TryGetProperty("version", out var version)) throw new InvalidAttributionRecordException(RecordFault.MissingField, "record: no 'version'");
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != AttributionRecord.CurrentVersion)
            throw new InvalidAttributionRecordException(RecordFault.UnsupportedVersion, $"version {version.GetRawText()}, this build reads {AttributionRecord.CurrentVersion}");
        var r = Members(root, "record", "version", "method", "indexHash", "modelId", "modelVersion", "adapterHash",
            "inferenceId", "inputHash", "outputHash", "outputTokens", "contributions", "spans");
        var method = ReadMethod(r["method"]);
        return new AttributionRecord(
            method, HashOf(r["indexHash"], "indexHash"), HashOf(r["modelId"], "modelId"),
            (uint)IntegerOf(r["modelVersion"], "modelVersion", 0, uint.MaxValue),
            r["adapterHash"].ValueKind == JsonValueKind.Null ? null : HashOf(r["adapterHash"], "adapterHash"),
            HashOf(r["inferenceId"], "inferenceId"), HashOf(r["inputHash"], "inputHash"), HashOf(r["outputHash"], "outputHash"),
            (int)IntegerOf(r["outputTokens"], "outputTokens", 0, int.MaxValue),
            [.. ArrayOf(r["contributions"], "contributions").Select(ReadContribution)],
            [.. ArrayOf(r["spans"], "spans").Select(ReadSpan)]);
    }

    private static InfluenceMethod ReadMethod(JsonElement e)
    {
        var m = Members(e, "method", "name", "projection", "preconditioner", "damping", "maxAttributions", "weightScale", "tailRule");
        var p = Members(m["projection"], "method.projection", "inputDims", "outputDims", "seed");
        var seedText = StringOf(p["seed"], "method.projection.seed");
        if (!long.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed))
            throw Bad($"method.projection.seed '{seedText}' is not a 64-bit decimal integer");
        var projection = new ProjectionSpec(
            (int)IntegerOf(p["inputDims"], "method.projection.inputDims", 0, int.MaxValue),
            (int)IntegerOf(p["outputDims"], "method.projection.outputDims", 0, int.MaxValue), seed);
        var preconditioner = StringOf(m["preconditioner"], "method.preconditioner");
        return new InfluenceMethod(
            StringOf(m["name"], "method.name"), projection,
            Enum.GetValues<PreconditionerKind>().FirstOrDefault(k => PreconditionerName(k) == preconditioner, (PreconditionerKind)255),
            NumberOf(m["damping"], "method.damping"),
            (int)IntegerOf(m["maxAttributions"], "method.maxAttributions", 1, int.MaxValue),
            (ulong)IntegerOf(m["weightScale"], "method.weightScale", 1, (long)InfluenceMethod.MaxExactInteger),
            StringOf(m["tailRule"], "method.tailRule"));
    }

    private static AttributedContribution ReadContribution(JsonElement e)
    {
        var c = Members(e, "contribution", "contribution", "score", "share", "weight");
        return new AttributedContribution(HashOf(c["contribution"], "contribution"), NumberOf(c["score"], "score"),
            NumberOf(c["share"], "share"), (ulong)IntegerOf(c["weight"], "weight", 0, (long)InfluenceMethod.MaxExactInteger));
    }

    private static SpanEvidence ReadSpan(JsonElement e)
    {
        var s = Members(e, "span", "start", "length", "count", "text", "contributions");
        return new SpanEvidence(
            (int)IntegerOf(s["start"], "span.start", 0, int.MaxValue), (int)IntegerOf(s["length"], "span.length", 1, int.MaxValue),
            (int)IntegerOf(s["count"], "span.count", 1, int.MaxValue),
            s["text"].ValueKind == JsonValueKind.Null ? null : StringOf(s["text"], "span.text"),
            [.. ArrayOf(s["contributions"], "span.contributions").Select(x => StringOf(x, "span.contributions[]"))]);
    }

    /// <summary>The object's members by name, after checking they are exactly <paramref name="names"/>, each once, in
    /// canonical (ordinal) order.</summary>
    private static Dictionary<string, JsonElement> Members(JsonElement e, string what, params string[] names)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad($"{what} is {e.ValueKind}, not an object");
        var found = e.EnumerateObject().ToList();
        var foundNames = found.Select(f => f.Name).ToList();
        if (foundNames.FirstOrDefault(f => !names.Contains(f, StringComparer.Ordinal)) is { } unknown)
            throw new InvalidAttributionRecordException(RecordFault.UnknownField, $"{what} has an unknown member '{unknown}'");
        if (names.FirstOrDefault(n => !foundNames.Contains(n, StringComparer.Ordinal)) is { } missing)
            throw new InvalidAttributionRecordException(RecordFault.MissingField, $"{what} lacks '{missing}'");
        var sorted = names.Order(StringComparer.Ordinal).ToArray();
        if (!foundNames.SequenceEqual(sorted, StringComparer.Ordinal))
            throw new InvalidAttributionRecordException(RecordFault.FieldOrder,
                $"{what} members are [{string.Join(", ", foundNames)}], canonical order is [{string.Join(", ", sorted)}]");
        return found.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
    }

    private static long IntegerOf(JsonElement e, string what, long min, long max) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var x) && x >= min && x <= max
            ? x
            : throw Bad($"{what} is {e.GetRawText()}, not an integer in [{min}, {max}]");

    private static double NumberOf(JsonElement e, string what) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var x) && double.IsFinite(x)
            ? x
            : throw Bad($"{what} is {e.GetRawText()}, not a finite number");

    private static string StringOf(JsonElement e, string what) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad($"{what} is {e.ValueKind}, not a string");

    private static JsonElement.ArrayEnumerator ArrayOf(JsonElement e, string what) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw Bad($"{what} is {e.ValueKind}, not an array");

    private static Hash32 HashOf(JsonElement e, string what)
    {
        var text = StringOf(e, what);
        var canonical = text.Length == 66 && text.StartsWith("0x", StringComparison.Ordinal) && text.Skip(2).All(char.IsAsciiHexDigitLower);
        return canonical && Hash32.TryParse(text, out var h)
            ? h
            : throw new InvalidAttributionRecordException(RecordFault.BadHex, $"{what} '{text}' is not 0x and 64 lowercase hex digits");
    }

    private static string PreconditionerName(PreconditionerKind kind) => kind switch
    {
        PreconditionerKind.None => "none",
        PreconditionerKind.Global => "global",
        PreconditionerKind.PerLayer => "per-layer",
        _ => throw new InvalidAttributionRecordException(RecordFault.BadValue, $"unknown preconditioner {(int)kind}"),
    };

    private static InvalidAttributionRecordException Bad(string detail) => new(RecordFault.BadValue, detail);
}
