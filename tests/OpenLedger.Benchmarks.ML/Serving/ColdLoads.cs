using OpenLedger.Core.Crypto;
using OpenLedger.ML.Serving;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>One adapter's first load through the cache.</summary>
/// <param name="TotalMilliseconds">The cache's own measure (<see cref="AdapterMetrics.LastLoadMilliseconds"/>): fetch,
/// keccak check, parse into tensors, validation against the base model.</param>
/// <param name="FetchMilliseconds">The store's share (SELECT by hash into a byte array).</param>
public sealed record LoadSample(Hash32 Id, double TotalMilliseconds, double FetchMilliseconds, long ResidentBytes, long RawBytes);

/// <summary>Loads every stored adapter once, one at a time, into a fresh cache big enough to keep them all. One pass
/// serves two tables: each load is a cold load (nothing resident, nothing else loading, so its time is the load's
/// own), and the process's memory before and after is what the resident adapters cost. The cache is returned loaded,
/// so the throughput cells that follow measure serving, not loading.</summary>
public static class ColdLoads
{
    /// <summary>Runs the load path on a few adapters in a throwaway cache first: the first load JIT-compiles the
    /// store, hashing and parsing code, which is not what a node pays per adapter.</summary>
    public static async Task WarmUpAsync(SqliteAdapterStore store, IReadOnlyList<Hash32> ids, AdapterValidator validator)
    {
        using var cache = new AdapterCache(long.MaxValue, store.LoadAsync, validator);
        foreach (var id in ids.TakeLast(5))
            using (await cache.AcquireAsync(id)) { }
    }

    public static async Task<(AdapterCache Cache, List<LoadSample> Samples)> LoadAllAsync(SqliteAdapterStore store, IReadOnlyList<Hash32> ids, long budgetBytes,
        AdapterValidator validator)
    {
        var cache = new AdapterCache(budgetBytes, store.LoadAsync, validator);
        var samples = new List<LoadSample>(ids.Count);
        foreach (var id in ids)
        {
            using var lease = await cache.AcquireAsync(id);
            var metrics = cache.Metrics(id)!;
            samples.Add(new LoadSample(id, metrics.LastLoadMilliseconds, store.FetchMilliseconds(id), lease.Adapter.ResidentBytes, lease.Adapter.RawBytes));
        }
        return (cache, samples);
    }
}
