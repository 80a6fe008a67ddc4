using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.Tests.ML.Attribution.Records;

/// <summary>The fixed record the golden hash pins, and seeded random records (scores over many magnitudes, texts
/// with quotes, controls and non-ASCII) built the way the engine builds them: weights from <see cref="AttributionWeights"/>.</summary>
internal static class RecordSamples
{
    public static Hash32 Contribution(int i) => Keccak256.Hash($"contribution {i}");

    public static readonly InfluenceMethod Method = InfluenceMethod.ForIndex(ProjectionSpec.Default, PreconditionerKind.PerLayer, 0.1, 4);

    /// <summary>Per-contribution scores of the fixed record: six contributions, two with no positive influence.</summary>
    public static (Hash32 Contribution, double Score)[] FixedScores { get; } =
    [
        (Contribution(0), 0.5), (Contribution(1), 2.75e-3), (Contribution(2), -0.3),
        (Contribution(3), 0.25), (Contribution(4), 1e-7), (Contribution(5), 0.0),
    ];

    public static SpanMatch[] FixedSpans { get; } =
    [
        new(0, 3, 2, [new SpanOccurrence(0, "0x01", 4), new SpanOccurrence(3, "contribution \u00e9", 1)]),
        new(5, 2, 1, [new SpanOccurrence(1, "0x02", 0)]),
    ];

    public static AttributionRecord Fixed() => Build(Method, FixedScores, FixedSpans, ["noun.\"animal\"\n", null], "What is a dog?", "noun.animal", 7);

    public static AttributionRecord Build(
        InfluenceMethod method, IReadOnlyList<(Hash32 Contribution, double Score)> scores, IReadOnlyList<SpanMatch> spans,
        IReadOnlyList<string?> spanTexts, string input, string output, int outputTokens) =>
        new(method, Keccak256.Hash("index"), Keccak256.Hash("model"), 3, Keccak256.Hash("adapter"), Keccak256.Hash("inference"),
            AttributionRecord.HashText(input), AttributionRecord.HashText(output), outputTokens,
            AttributionWeights.From([.. scores.Select(s => s.Contribution)], [.. scores.Select(s => s.Score)], method.MaxAttributions),
            [.. spans.Select((s, i) => SpanEvidence.From(s, spanTexts[i]))]);

    private static readonly string[] Texts = ["", "a", "dog's \"best\" friend", "tab\tnew\nline\u0001\u001f", "caf\u00e9 \u65e5\u672c \U0001F600", "back\\slash /"];

    /// <summary>A random valid record, its recomputed scores and span matches (what a verifier would be given).</summary>
    public static (AttributionRecord Record, (Hash32, double)[] Scores, SpanMatch[] Spans) Random(Random random)
    {
        var count = random.Next(1, 30);
        var scores = Enumerable.Range(0, count).Select(i => (Contribution(random.Next(1000) * 100 + i),
            (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-30, 30)))).ToArray();
        var method = new InfluenceMethod(InfluenceMethod.LoraGradientInfluence,
            new ProjectionSpec(random.Next(0, 9), random.Next(0, 9), random.NextInt64(long.MinValue, long.MaxValue)),
            (PreconditionerKind)random.Next(0, 3), random.NextDouble() * Math.Pow(10, random.Next(-8, 3)), random.Next(1, 20),
            AttributionWeights.Scale, InfluenceMethod.DropTailRenormalise);
        var outputTokens = random.Next(1, 64);
        var spans = Enumerable.Range(0, random.Next(0, 4)).Select(_ =>
        {
            var start = random.Next(outputTokens);
            var occurrences = Enumerable.Range(0, random.Next(1, 25)).Select(d => new SpanOccurrence(d, $"0x{d:x2}", random.Next(50))).ToList();
            return new SpanMatch(start, random.Next(1, outputTokens - start + 1), occurrences.Count + random.Next(3), occurrences);
        }).ToArray();
        var texts = spans.Select(_ => random.Next(3) == 0 ? null : Texts[random.Next(Texts.Length)]).ToArray();
        var record = Build(method, scores, spans, texts, Texts[random.Next(Texts.Length)], Texts[random.Next(Texts.Length)], outputTokens);
        return (record, scores, spans);
    }
}
