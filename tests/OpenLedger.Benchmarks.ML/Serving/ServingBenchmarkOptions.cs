using OpenLedger.ML.Serving;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>The sizes of one serving benchmark run. Full defaults fit in about a quarter of an hour on two cores;
/// <c>--quick</c> keeps every table (all adapter counts and modes) with fewer requests per cell.</summary>
public sealed record ServingBenchmarkOptions(
    bool Quick,
    int Threads,
    int Requests,
    int ReferenceRequests,
    int Repeats,
    int Adapters,
    int MaxBatch,
    int InFlight,
    IReadOnlyList<int> NewTokens,
    int Seed,
    bool Keep,
    IReadOnlyList<ServingMode> Modes,
    bool Reference,
    string BaseModel)
{
    /// <summary>Adapter counts of the throughput table (capped at <see cref="Adapters"/>).</summary>
    public IReadOnlyList<int> AdapterCounts => new[] { 1, 10, 100, 1000 }.Where(n => n <= Adapters).ToList();

    public const int Rank = 8;
    public const double Alpha = 16;
    public const double ZipfExponent = 1.0;

    public static ServingBenchmarkOptions From(CommandLine line)
    {
        var quick = line.Flag("quick");
        var maxBatch = line.Int("max-batch", 64, min: 1);
        var options = new ServingBenchmarkOptions(
            quick,
            Threads: line.Int("threads", 2, min: 1),
            Requests: line.Int("requests", quick ? 128 : 512, min: 1),
            ReferenceRequests: line.Int("reference-requests", quick ? 32 : 192, min: 1),
            Repeats: line.Int("repeats", quick ? 2 : 3, min: 1),
            Adapters: line.Int("adapters", 1000, min: 1),
            MaxBatch: maxBatch,
            // Two full batches outstanding: the queue always holds the next batch while one runs.
            InFlight: line.Int("in-flight", 2 * maxBatch),
            NewTokens: ParseCounts(line.Text("new-tokens", "8,64")),
            Seed: line.Int("seed", 7),
            Keep: line.Flag("keep"),
            Modes: ParseModes(line.Text("modes", "a,b,c")),
            Reference: !line.Flag("no-reference"),
            BaseModel: BaseModelChoice.Directory(line));
        line.ThrowOnUnread();
        return options;
    }

    /// <summary>"8,64": the new-token counts, each its own table.</summary>
    private static List<int> ParseCounts(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => int.TryParse(n, out var count) && count >= 1 ? count : throw new UsageException($"--new-tokens takes comma-separated counts >= 1, not '{n}'"))
            .Distinct().ToList();

    /// <summary>"a,b,c": (a) heterogeneous, (b) merge per request, (c) one adapter per batch, in table order.</summary>
    private static List<ServingMode> ParseModes(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m switch
        {
            "a" => ServingMode.Heterogeneous,
            "b" => ServingMode.MergePerRequest,
            "c" => ServingMode.OneAdapterPerBatch,
            _ => throw new UsageException($"--modes takes a comma-separated subset of a,b,c, not '{m}'"),
        }).Distinct().ToList();
}
