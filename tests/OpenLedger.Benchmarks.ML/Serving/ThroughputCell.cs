using System.Diagnostics;
using OpenLedger.ML.Serving;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>What one (mode, adapter count, popularity) cell measured.</summary>
public sealed record CellResult(
    ServingMode Mode, ServingDecoder Decoder, int Adapters, string Popularity, int Requests, int Tokens, double Seconds,
    double P50Milliseconds, double P99Milliseconds, double MeanBatch, double MeanAdaptersPerBatch, double CpuSeconds)
{
    /// <summary>This process's CPU time per request: unlike wall-clock rates, hardly moved by other processes taking
    /// cores away, so ratios of it show the engine's own costs on a busy machine.</summary>
    public double CpuMillisecondsPerRequest => CpuSeconds * 1000 / Requests;

    public double RequestsPerSecond => Requests / Seconds;
    public double TokensPerSecond => Tokens / Seconds;
}

/// <summary>Runs a fixed list of requests through a fresh <see cref="LoraServingEngine"/> and times them.</summary>
/// <remarks>Requests are submitted open-loop with a cap on how many are outstanding (<c>inFlight</c>, by default two
/// full batches): the queue always holds enough to form full batches, so throughput is the engine's, while latency
/// means something (with every request submitted at once, p50 would only be half the run). Latency is submission to
/// the completed task, queueing included. The engine is created with its worker stopped and the first window
/// queued before it starts, so the first batch is full too.</remarks>
public static class ThroughputCell
{
    public static async Task<CellResult> RunAsync(MultiAdapterModel model, AdapterCache cache, ServingMode mode, ServingDecoder decoder, int maxBatch,
        int inFlight, int adapters, string popularity, IReadOnlyList<GenerationRequest> requests)
    {
        await using var engine = new LoraServingEngine(model, cache, new ServingOptions(maxBatch, mode, Decoder: decoder), start: false);
        var window = inFlight <= 0 ? requests.Count : inFlight;
        using var slots = new SemaphoreSlim(window);
        var latencies = new double[requests.Count];
        var results = new GenerationResult[requests.Count];
        var tasks = new List<Task>(requests.Count);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests.Count; i++)
        {
            if (i == window) engine.Start();
            await slots.WaitAsync();
            var index = i;
            var submitted = Stopwatch.GetTimestamp();
            tasks.Add(engine.GenerateAsync(requests[i]).ContinueWith(t =>
            {
                latencies[index] = Stopwatch.GetElapsedTime(submitted).TotalMilliseconds;
                results[index] = t.Result; // rethrows a failed request: a benchmark must not count failures as done
                slots.Release();
            }, TaskContinuationOptions.ExecuteSynchronously));
        }
        engine.Start();
        await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var sorted = Percentiles.Sorted(latencies);
        return new CellResult(mode, decoder, adapters, popularity, requests.Count, results.Sum(r => r.Tokens.Count), seconds,
            Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99),
            results.Average(r => r.BatchSize), results.Average(r => r.AdaptersInBatch), cpuSeconds);
    }
}
