namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>Which adapter each request asks for. Uniform: every adapter alike (the worst case for batching by
/// adapter). Zipf(s): adapter k (0-based) with weight 1/(k+1)^s, the usual shape of model popularity (a few hot
/// adapters, a long tail). Draws come from a seeded generator, so every mode serves the same request sequence.</summary>
public sealed class Popularity
{
    private readonly double[] _cumulative;

    private Popularity(string name, double[] weights)
    {
        Name = name;
        var total = weights.Sum();
        _cumulative = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) _cumulative[i] = (sum += weights[i]) / total;
        _cumulative[^1] = 1.0;
    }

    public string Name { get; }

    public static Popularity Uniform(int adapters) => new("uniform", Enumerable.Repeat(1.0, adapters).ToArray());

    public static Popularity Zipf(int adapters, double exponent) =>
        new($"zipf s={exponent:0.0}", Enumerable.Range(0, adapters).Select(k => 1 / Math.Pow(k + 1, exponent)).ToArray());

    /// <summary>An adapter index in [0, adapters).</summary>
    public int Next(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return index >= 0 ? index : Math.Min(~index, _cumulative.Length - 1);
    }
}
