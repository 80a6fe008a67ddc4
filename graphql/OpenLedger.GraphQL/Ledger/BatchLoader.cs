using GraphQL.DataLoader;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>A per-request batch loader (GraphQL.NET 8 ships the deferred-result contract but not the loaders):
/// keys requested while a level of the query resolves are fetched together when the executor first asks for a
/// result, and each key at most once per request.</summary>
internal sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TValue>>> fetch)
    where TKey : notnull
{
    private readonly HashSet<TKey> _pending = [];
    private readonly Dictionary<TKey, Task<IReadOnlyDictionary<TKey, TValue>>> _batches = [];
    private readonly object _gate = new();

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        lock (_gate) if (!_batches.ContainsKey(key)) _pending.Add(key);
        return new Result(this, key);
    }

    private Task<IReadOnlyDictionary<TKey, TValue>> BatchOf(TKey key)
    {
        lock (_gate)
        {
            if (_batches.TryGetValue(key, out var existing)) return existing;
            var keys = _pending.ToList();
            if (!keys.Contains(key)) keys.Add(key);
            _pending.Clear();
            var batch = fetch(keys);
            foreach (var k in keys) _batches[k] = batch;
            return batch;
        }
    }

    private sealed class Result(BatchLoader<TKey, TValue> loader, TKey key) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) =>
            (await loader.BatchOf(key).WaitAsync(cancellationToken)).TryGetValue(key, out var v) ? v : default;

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
