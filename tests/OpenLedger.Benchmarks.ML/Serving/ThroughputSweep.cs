using OpenLedger.Core.Crypto;
using OpenLedger.ML.Serving;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>The throughput tables, one per new-token count: every (mode, adapter count, popularity) cell plus the base
/// model alone on the KV-cached, continuously batching engine, and the heterogeneous cells at the largest adapter count
/// on today's engine too (<see cref="ServingDecoder.Recompute"/>: every step recomputes the whole sequences, a batch
/// runs to completion), run in rounds, then the ratios the targets are stated in.</summary>
/// <remarks>
/// The machine is shared, and other processes only ever slow a cell down, so each cell runs once per round and is
/// reported at its best round (its range beside it). Rounds go through all cells in turn, so a burst of outside
/// load hits one round of many cells rather than every round of one cell. Within a (count, popularity) pair, every
/// mode serves the same requests (the reference modes a prefix of them), so the modes differ only in how they batch.
/// </remarks>
public static class ThroughputSweep
{
    private const double ScalingTarget = 0.8;
    private const double MergeRatioTarget = 3;
    private const double RecomputeRatioTarget = 3;

    private sealed record Cell(string Label, ServingMode Mode, ServingDecoder Decoder, int NewTokens, int Adapters, string Popularity, List<GenerationRequest> Requests)
    {
        public List<CellResult> Runs { get; } = [];
        public CellResult Best => Runs.MaxBy(r => r.RequestsPerSecond)!;
    }

    public static async Task RunAsync(MultiAdapterModel serving, AdapterCache cache, IReadOnlyList<Hash32> ids, Prompts prompts, ServingBenchmarkOptions options)
    {
        var context = serving.Model.Config.ContextLength;
        var cells = Plan(ids, prompts, options, context);
        // Warm-up, not reported: JIT, libtorch's first calls and allocator, both adapter paths of each mode and decoder.
        foreach (var mode in options.Modes)
            foreach (var decoder in Decoders(options, mode))
            {
                var warm = Requests(ids, 10, Popularity.Uniform(10), prompts, options.NewTokens[0], context, options.Seed + 999, mode == ServingMode.MergePerRequest ? 8 : 2 * options.MaxBatch);
                await ThroughputCell.RunAsync(serving, cache, mode, decoder, options.MaxBatch, options.InFlight, 10, "warm-up", warm);
            }

        var cpu = new CpuShare();
        for (var round = 1; round <= options.Repeats; round++)
            foreach (var cell in cells)
            {
                var result = await ThroughputCell.RunAsync(serving, cache, cell.Mode, cell.Decoder, options.MaxBatch, options.InFlight, cell.Adapters, cell.Popularity, cell.Requests);
                cell.Runs.Add(result);
                Console.Error.WriteLine($"  round {round}: {cell.Label} {cell.NewTokens} new N={cell.Adapters} {cell.Popularity}: {result.RequestsPerSecond:0.0} req/s ({result.Seconds:0.0} s)");
            }

        foreach (var newTokens in options.NewTokens)
        {
            var table = cells.Where(c => c.NewTokens == newTokens).ToList();
            PrintTable(table, prompts, options, cpu, newTokens, context);
            PrintRatios(table);
        }
    }

    /// <summary>The engines a mode's cells run on: the cached one always, today's for (a) unless --no-reference.</summary>
    private static IEnumerable<ServingDecoder> Decoders(ServingBenchmarkOptions options, ServingMode mode) =>
        options.Reference && mode == ServingMode.Heterogeneous ? [ServingDecoder.ContinuousKvCache, ServingDecoder.Recompute] : [ServingDecoder.ContinuousKvCache];

    private static List<Cell> Plan(IReadOnlyList<Hash32> ids, Prompts prompts, ServingBenchmarkOptions options, int context)
    {
        var cells = new List<Cell>();
        foreach (var newTokens in options.NewTokens)
        {
            // The ceiling: requests of the same shape on the base alone (no adapter anywhere), batched the same way.
            var plain = Requests(ids, 1, Popularity.Uniform(1), prompts, newTokens, context, options.Seed * 31, options.Requests)
                .Select(r => r with { Adapter = null }).ToList();
            cells.Add(new Cell("(ref) base model alone, no adapter", ServingMode.Heterogeneous, ServingDecoder.ContinuousKvCache, newTokens, 0, "-", plain));
            foreach (var n in options.AdapterCounts)
            {
                // With one adapter both popularity laws give the same requests: measured once.
                var laws = n == 1 ? [Popularity.Uniform(1)] : new[] { Popularity.Uniform(n), Popularity.Zipf(n, ServingBenchmarkOptions.ZipfExponent) };
                foreach (var law in laws)
                {
                    var requests = Requests(ids, n, law, prompts, newTokens, context, options.Seed * 31 + n, options.Requests);
                    foreach (var mode in options.Modes)
                        cells.Add(new Cell(ServingBenchmark.Name(mode), mode, ServingDecoder.ContinuousKvCache, newTokens, n, n == 1 ? "-" : law.Name,
                            mode == ServingMode.Heterogeneous ? requests : requests.Take(options.ReferenceRequests).ToList()));
                    // Today's engine on the same requests, where the target compares them: the largest adapter count.
                    if (n == options.AdapterCounts[^1] && options.Reference && options.Modes.Contains(ServingMode.Heterogeneous))
                        cells.Add(new Cell(TodaysEngine, ServingMode.Heterogeneous, ServingDecoder.Recompute, newTokens, n, law.Name, requests));
                }
            }
        }
        return cells;
    }

    private const string TodaysEngine = "(a) heterogeneous, today's engine (recompute, no KV cache)";

    private static void PrintTable(List<Cell> cells, Prompts prompts, ServingBenchmarkOptions options, CpuShare cpu, int newTokens, int context)
    {
        Console.WriteLine($"## Throughput and latency, {newTokens} new tokens ({cpu.Others()}; load average {MachineInfo.LoadAverage()})");
        Console.WriteLine();
        Console.WriteLine($"Requests: {prompts.Source} + {newTokens} new tokens each (greedy)" +
                          (newTokens > context - 16 ? $", capped to the context: min({newTokens}, {context} - prompt length) new tokens, the prompt kept whole" : "") +
                          $". Engine: KV cache per sequence and continuous batching, except \"{TodaysEngine}\". Per cell: {options.Requests} requests for (a) and the " +
                          $"base alone; {Math.Min(options.ReferenceRequests, options.Requests)} for (b) and (c), a prefix of the same requests (they are several " +
                          $"times slower). Max batch {options.MaxBatch}; " +
                          (options.InFlight > 0 ? $"at most {options.InFlight} requests outstanding (open loop, refilled as requests complete)" : "all requests submitted at once") +
                          $"; every adapter resident (the cache holds all of them). Each cell is the best of {options.Repeats} rounds (range beside it); " +
                          "latency (submit to completion, queueing included) is that round's. CPU ms/request: this process's CPU time per request " +
                          "(lowest round), a measure other processes hardly move; its ratios are printed beside the throughput ratios.");
        Console.WriteLine();
        var table = new Table("mode", "adapters", "popularity", "requests", "req/s", "req/s range", "new tokens/s", "p50 ms", "p99 ms", "mean batch", "adapters/batch", "CPU ms/request");
        foreach (var cell in cells.OrderBy(c => c.Adapters == 0 ? -1 : Order(c.Mode, c.Decoder)))
        {
            var r = cell.Best;
            table.Add(cell.Label, cell.Adapters, cell.Popularity, r.Requests, r.RequestsPerSecond.ToString("0.0"),
                $"{cell.Runs.Min(x => x.RequestsPerSecond):0.0}-{cell.Runs.Max(x => x.RequestsPerSecond):0.0}", r.TokensPerSecond.ToString("0"),
                r.P50Milliseconds.ToString("0"), r.P99Milliseconds.ToString("0"), r.MeanBatch.ToString("0.0"), r.MeanAdaptersPerBatch.ToString("0.0"),
                cell.Runs.Min(x => x.CpuMillisecondsPerRequest).ToString("0.0"));
        }
        table.Print();
    }

    private static void PrintRatios(List<Cell> cells)
    {
        Console.WriteLine("## Ratios (best requests/s of each cell; beside it the same ratio from CPU time per request, the inverse ratio of");
        Console.WriteLine("## the lowest CPU ms/request, which other processes on the machine move much less)");
        Console.WriteLine();
        Cell? Find(ServingMode mode, int n, string popularity, ServingDecoder decoder = ServingDecoder.ContinuousKvCache) =>
            cells.FirstOrDefault(c => c.Adapters == n && c.Mode == mode && c.Decoder == decoder && c.Popularity == popularity && c.Runs.Count > 0);
        static double Cpu(Cell c) => c.Runs.Min(r => r.CpuMillisecondsPerRequest);
        var table = new Table("ratio", "popularity", "throughput ratio", "CPU-time ratio", "target");
        var single = Find(ServingMode.Heterogeneous, 1, "-");
        if (single is null)
        {
            Console.WriteLine("(no heterogeneous cell at 1 adapter: no ratios)");
            return;
        }
        var baseline = cells[0];
        table.Add("(a) heterogeneous at 1 adapter / base model alone", "-", $"{single.Best.RequestsPerSecond / baseline.Best.RequestsPerSecond:0.00}",
            $"{Cpu(baseline) / Cpu(single):0.00}", "(what the adapter path costs)");
        var adapted = cells.Where(c => c.Mode == ServingMode.Heterogeneous && c.Decoder == ServingDecoder.ContinuousKvCache && c.Adapters > 1).ToList();
        foreach (var cell in adapted)
        {
            if (Find(ServingMode.Heterogeneous, cell.Adapters, cell.Popularity, ServingDecoder.Recompute) is not { } today) continue;
            var ratio = cell.Best.TokensPerSecond / today.Best.TokensPerSecond;
            var cpuRatio = Cpu(today) / Cpu(cell);
            table.Add($"(a) KV cache + continuous / today's engine at {cell.Adapters}, new tokens/s", cell.Popularity, $"{ratio:0.00}x", $"{cpuRatio:0.00}x",
                $">= {RecomputeRatioTarget}x: {Verdict(ratio, cpuRatio, RecomputeRatioTarget)}");
        }
        foreach (var cell in adapted)
        {
            var ratio = cell.Best.RequestsPerSecond / single.Best.RequestsPerSecond;
            var cpuRatio = Cpu(single) / Cpu(cell);
            table.Add($"(a) heterogeneous at {cell.Adapters} / at 1 adapter", cell.Popularity, $"{ratio:0.00}", $"{cpuRatio:0.00}",
                cell.Adapters == 1000 ? $">= {ScalingTarget}: {Verdict(ratio, cpuRatio, ScalingTarget)}" : "");
        }
        foreach (var cell in adapted.Where(c => c.Adapters >= 100))
        {
            if (Find(ServingMode.MergePerRequest, cell.Adapters, cell.Popularity) is not { } merged) continue;
            var ratio = cell.Best.RequestsPerSecond / merged.Best.RequestsPerSecond;
            var cpuRatio = Cpu(merged) / Cpu(cell);
            table.Add($"(a) heterogeneous / (b) merge per request at {cell.Adapters}", cell.Popularity, $"{ratio:0.00}x", $"{cpuRatio:0.00}x",
                $">= {MergeRatioTarget}x: {Verdict(ratio, cpuRatio, MergeRatioTarget)}");
        }
        foreach (var cell in adapted.Where(c => c.Adapters >= 100))
        {
            if (Find(ServingMode.OneAdapterPerBatch, cell.Adapters, cell.Popularity) is not { } one) continue;
            table.Add($"(a) heterogeneous / (c) one adapter per batch at {cell.Adapters}", cell.Popularity,
                $"{cell.Best.RequestsPerSecond / one.Best.RequestsPerSecond:0.0}x", $"{Cpu(one) / Cpu(cell):0.0}x", "(reference)");
        }
        table.Print();
    }

    /// <summary>The target is stated on throughput; the CPU-time ratio is said beside it when they disagree.</summary>
    private static string Verdict(double ratio, double cpuRatio, double target) => (ratio >= target, cpuRatio >= target) switch
    {
        (true, _) => "met",
        (false, true) => "**MISSED** on throughput (met on CPU time)",
        _ => "**MISSED**",
    };

    private static int Order(ServingMode mode, ServingDecoder decoder) => (mode, decoder) switch
    {
        (ServingMode.Heterogeneous, ServingDecoder.ContinuousKvCache) => 0,
        (ServingMode.Heterogeneous, _) => 1,
        (ServingMode.MergePerRequest, _) => 2,
        _ => 3,
    };

    /// <summary><paramref name="count"/> requests; each wants <paramref name="newTokens"/> new tokens, or as many as
    /// the context leaves after its prompt (prompts are 8-16 tokens, the context 64: "64 new tokens" are 48-56).</summary>
    private static List<GenerationRequest> Requests(IReadOnlyList<Hash32> ids, int adapters, Popularity law, Prompts prompts, int newTokens, int context, int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var adapter = ids[law.Next(random)];
            var prompt = prompts.Next(random);
            return new GenerationRequest(adapter, prompt, Math.Min(newTokens, context - prompt.Count));
        }).ToList();
    }
}
