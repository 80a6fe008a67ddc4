using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Records;
using static OpenLedger.Tests.ML.Attribution.Records.RecordSamples;

namespace OpenLedger.Tests.ML.Attribution.Records;

public class AttributionRecordFormatTests
{
    private static string FixedText() => Encoding.UTF8.GetString(Fixed().Encode());

    private static RecordFault FaultOf(string text) => FaultOf(Encoding.UTF8.GetBytes(text));

    private static RecordFault FaultOf(byte[] bytes) => Assert.Throws<InvalidAttributionRecordException>(() => AttributionRecord.Parse(bytes)).Fault;

    [Fact]
    public void The_fixed_record_round_trips_byte_for_byte_and_keeps_every_value()
    {
        var record = Fixed();
        var bytes = record.Encode();
        var parsed = AttributionRecord.Parse(bytes);
        Assert.Equal(bytes, parsed.Encode());
        Assert.Equal(record.Hash, parsed.Hash);
        Assert.Equal(record.Method, parsed.Method);
        Assert.Equal(record.Contributions, parsed.Contributions);
        Assert.Equal(record.Spans, parsed.Spans);
        Assert.Equal((record.IndexHash, record.ModelId, record.ModelVersion, record.AdapterHash, record.InferenceId, record.InputHash, record.OutputHash, record.OutputTokens),
            (parsed.IndexHash, parsed.ModelId, parsed.ModelVersion, parsed.AdapterHash, parsed.InferenceId, parsed.InputHash, parsed.OutputHash, parsed.OutputTokens));
    }

    [Fact]
    public void The_fixed_record_has_a_pinned_encoding_and_hash_so_format_changes_are_deliberate()
    {
        // Change these only together with AttributionRecord.CurrentVersion: records already settled on chain name this hash.
        var text = FixedText();
        Assert.Equal(GoldenText, text);
        Assert.Equal(Hash32.Parse(GoldenHash), Fixed().Hash);
        Assert.Equal(Keccak256.Hash(Encoding.UTF8.GetBytes(text)), Fixed().Hash);
    }

    private const string GoldenText = """
        {"adapterHash":"0x2b806c17d92e438548731a698c926786236ec7ffde76cc83302e3d96eccc8e95","contributions":[{"contribution":"0x7aaa5cf06914e3bc45b19f15feddc329ecae818451d0bf188ae8a8fb0917b3b1","score":0.5,"share":0.6642310642004564,"weight":664231},{"contribution":"0xbb41985a6d00e5b5749526a5a60ed83664c4affe9c226fabdad7e11347e24d93","score":0.25,"share":0.3321155321002282,"weight":332116},{"contribution":"0x12b380e63529cce3bcb06cfcbad9964958999a2edc6f4277235c19aeea6be24a","score":0.00275,"share":0.00365327085310251,"weight":3653},{"contribution":"0x2e171ab8d06d84d934dd813205b95152bfad87e902160d16ba0aba78cd3885d4","score":1e-7,"share":1.3284621284009127e-7,"weight":0}],"indexHash":"0x9e310eac0fc3caf498f54ca7de305dd7db1bb3be52d70ac9d1debd5ddfc18f92","inferenceId":"0x2a52b6261f3850b89541ab4444869004fe552e50532808641800076f8e9ec465","inputHash":"0x9d9e0a2f30732039abba649ffdebe349202f59270e0faf935c50084b1579e9b5","method":{"damping":0.1,"maxAttributions":4,"name":"lora-gradient-influence","preconditioner":"per-layer","projection":{"inputDims":4,"outputDims":4,"seed":"87188932154450"},"tailRule":"positive-top-k-drop-tail-renormalise","weightScale":1000000},"modelId":"0x191185346d2996711dd761c502ee7036b7bbf81137b5ba67ab29c6b6f57570a9","modelVersion":3,"outputHash":"0xbcc1e06458e921ee023c2573d2c4a59dde7349a89b0e9184193a263db11fc636","outputTokens":7,"spans":[{"contributions":["0x01","contribution é"],"count":2,"length":3,"start":0,"text":"noun.\"animal\"\n"},{"contributions":["0x02"],"count":1,"length":2,"start":5,"text":null}],"version":1}
        """;
    private const string GoldenHash = "0x0de0cf282e1965c55d50fa62f6534366948de6f0bfdd79e45ddfca733933be5b";

    [Fact]
    public void Numbers_are_written_as_ECMAScript_and_RFC_8785_write_them()
    {
        var text = FixedText();
        // 0.5 and 2.75e-3 stay plain, as do integers; 1e21 and 1e-7 leave plain notation.
        Assert.Contains("\"score\":0.5,", text);
        Assert.Contains("\"score\":0.00275,", text);
        Assert.Contains("\"damping\":0.1,", text);
        Assert.Contains("\"weightScale\":1000000", text);
        Assert.Contains($"\"seed\":\"{ProjectionSpec.Default.Seed}\"", text);
        Assert.Contains("\"text\":\"noun.\\\"animal\\\"\\n\"", text);
        Assert.Contains("\"contributions\":[\"0x01\",\"contribution \u00e9\"]", text);
        Assert.DoesNotContain(" :", text);
        var small = RecordSamples.Build(Method, [(Contribution(3), 1e21), (Contribution(0), 1e-7), (Contribution(1), 1.2345678901234568e20), (Contribution(2), 0.000001)], [], [], "", "", 0);
        var smallText = Encoding.UTF8.GetString(small.Encode());
        Assert.Contains("\"score\":1e+21,", smallText);
        Assert.Contains("\"score\":1e-7,", smallText);
        Assert.Contains("\"score\":123456789012345680000,", smallText);
        Assert.Contains("\"score\":0.000001,", smallText);
    }

    [Fact]
    public void Seeded_random_records_round_trip_canonically_and_keep_every_bit()
    {
        for (var trial = 0; trial < 300; trial++)
        {
            var (record, _, _) = RecordSamples.Random(new Random(trial));
            var bytes = record.Encode();
            var parsed = AttributionRecord.Parse(bytes);
            Assert.Equal(bytes, parsed.Encode());
            Assert.Equal(record.Hash, parsed.Hash);
            Assert.Equal(record.Method, parsed.Method);
            Assert.Equal(record.Spans, parsed.Spans);
            Assert.Equal(record.Contributions.Select(c => (c.Contribution, BitConverter.DoubleToInt64Bits(c.Score), BitConverter.DoubleToInt64Bits(c.Share), c.Weight)),
                parsed.Contributions.Select(c => (c.Contribution, BitConverter.DoubleToInt64Bits(c.Score), BitConverter.DoubleToInt64Bits(c.Share), c.Weight)));
            // Deterministic: the same record built again is the same bytes.
            Assert.Equal(bytes, RecordSamples.Random(new Random(trial)).Record.Encode());
        }
    }

    [Fact]
    public void Truncated_bytes_are_not_json()
    {
        var bytes = Fixed().Encode();
        foreach (var length in new[] { 0, 1, bytes.Length / 2, bytes.Length - 1 })
            Assert.Equal(RecordFault.NotJson, FaultOf(bytes[..length]));
        Assert.Equal(RecordFault.NotJson, FaultOf([.. bytes, .. "{}"u8]));
        Assert.Equal(RecordFault.NotJson, FaultOf(FixedText().Replace("\"score\":0.5", "\"score\":NaN", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reordered_or_repeated_members_are_refused()
    {
        var text = FixedText();
        Assert.EndsWith(",\"version\":1}", text);
        var versionFirst = "{\"version\":1," + text[1..^",\"version\":1}".Length] + "}";
        Assert.Equal(RecordFault.FieldOrder, FaultOf(versionFirst));
        Assert.Equal(RecordFault.FieldOrder, FaultOf(text[..^1] + ",\"version\":1}"));
        var swapped = text.Replace("\"inferenceId\":", "\"tmp\":", StringComparison.Ordinal).Replace("\"indexHash\":", "\"inferenceId\":", StringComparison.Ordinal)
            .Replace("\"tmp\":", "\"indexHash\":", StringComparison.Ordinal);
        Assert.Equal(RecordFault.FieldOrder, FaultOf(swapped));
    }

    [Fact]
    public void Unknown_and_missing_members_are_refused()
    {
        var text = FixedText();
        Assert.Equal(RecordFault.UnknownField, FaultOf(text[..^1] + ",\"zzz\":0}"));
        Assert.Equal(RecordFault.UnknownField, FaultOf(text.Replace("\"weight\":", "\"extra\":true,\"weight\":", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.MissingField, FaultOf(text.Replace("\"outputTokens\":7,", "", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.MissingField, FaultOf("{\"adapterHash\":null}"));
    }

    [Fact]
    public void Insignificant_whitespace_and_other_spellings_are_not_canonical()
    {
        var text = FixedText();
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text + "\n"));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(" " + text));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("\"outputTokens\":7", "\"outputTokens\": 7", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("\"score\":0.5,", "\"score\":0.50,", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("\"score\":0.5,", "\"score\":5e-1,", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("\"damping\":0.1,", "\"damping\":1E-1,", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("contribution \u00e9", "contribution \\u00e9", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.NonCanonical, FaultOf(text.Replace("\"0x01\"", "\"0x\\u00301\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Bad_hex_wrong_version_and_bad_values_are_refused_with_their_codes()
    {
        var text = FixedText();
        var index = Keccak256.Hash("index").ToString();
        Assert.Equal(RecordFault.BadHex, FaultOf(text.Replace(index, index.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadHex, FaultOf(text.Replace(index, index[..^2], StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadHex, FaultOf(text.Replace(index, "0x" + new string('g', 64), StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadHex, FaultOf(text.Replace(index, index[2..] + "00", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.UnsupportedVersion, FaultOf(text.Replace("\"version\":1}", "\"version\":2}", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.UnsupportedVersion, FaultOf(text.Replace("\"version\":1}", "\"version\":\"1\"}", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf("[]"));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace("\"outputTokens\":7", "\"outputTokens\":-1", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace("\"outputTokens\":7", "\"outputTokens\":4", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace("\"preconditioner\":\"per-layer\"", "\"preconditioner\":\"diagonal\"", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace(InfluenceMethod.LoraGradientInfluence, "tracin", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace("\"score\":0.5,", "\"score\":\"0.5\",", StringComparison.Ordinal)));
        Assert.Equal(RecordFault.BadValue, FaultOf(text.Replace($"\"seed\":\"{ProjectionSpec.Default.Seed}\"", "\"seed\":\"x\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Edited_weights_are_refused_as_not_summing_to_the_scale()
    {
        var record = Fixed();
        var weight = record.Contributions[0].Weight;
        var text = FixedText().Replace($"\"weight\":{weight}}}", $"\"weight\":{weight + 1}}}", StringComparison.Ordinal);
        Assert.Equal(RecordFault.WeightsNotAtScale, FaultOf(text));
    }

    [Fact]
    public void Construction_refuses_non_finite_scores_bad_weights_duplicates_and_rank_disorder()
    {
        var good = Fixed().Contributions;
        RecordFault Construct(IReadOnlyList<AttributedContribution> contributions) => Assert.Throws<InvalidAttributionRecordException>(() =>
            new AttributionRecord(Method, Hash32.Zero, Hash32.Zero, 1, null, Hash32.Zero, Hash32.Zero, Hash32.Zero, 1, contributions, [])).Fault;
        Assert.Equal(RecordFault.NonFiniteScore, Construct([good[0] with { Score = double.NaN }, .. good.Skip(1)]));
        Assert.Equal(RecordFault.NonFiniteScore, Construct([good[0] with { Score = double.PositiveInfinity }, .. good.Skip(1)]));
        Assert.Equal(RecordFault.NonFiniteScore, Construct([good[0] with { Share = double.NegativeInfinity }, .. good.Skip(1)]));
        Assert.Equal(RecordFault.WeightsNotAtScale, Construct([.. good.Skip(1)]));
        Assert.Equal(RecordFault.WeightsNotAtScale, Construct([good[0] with { Weight = AttributionWeights.Scale + 1 }]));
        Assert.Equal(RecordFault.WeightsNotAtScale, Construct([good[0] with { Share = 1.5, Weight = AttributionWeights.Scale }]));
        Assert.Equal(RecordFault.DuplicateContribution, Construct([good[0] with { Weight = AttributionWeights.Scale / 2 }, good[0] with { Weight = AttributionWeights.Scale / 2 }]));
        Assert.Equal(RecordFault.BadValue, Construct([.. good.Reverse()]));
        Assert.Equal(RecordFault.BadValue, Construct([.. Enumerable.Range(0, 5).Select(i => new AttributedContribution(Contribution(i), 5 - i, 0.2, 200_000))]));
        var span = new SpanEvidence(0, 1, 1, null, ["a", "a"]);
        Assert.Equal(RecordFault.DuplicateContribution, Assert.Throws<InvalidAttributionRecordException>(() =>
            new AttributionRecord(Method, Hash32.Zero, Hash32.Zero, 1, null, Hash32.Zero, Hash32.Zero, Hash32.Zero, 1, [], [span])).Fault);
        Assert.Equal("attribution-record-non-finite-score", InvalidAttributionRecordException.CodeOf(RecordFault.NonFiniteScore));
    }

    [Fact]
    public void Every_fault_has_a_distinct_stable_code()
    {
        var codes = Enum.GetValues<RecordFault>().Select(InvalidAttributionRecordException.CodeOf).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.StartsWith("attribution-record-", c));
    }
}
