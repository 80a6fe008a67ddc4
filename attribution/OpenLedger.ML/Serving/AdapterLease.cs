namespace OpenLedger.ML.Serving;

/// <summary>A hold on a resident adapter: while any lease is open the cache does not evict (and so does not dispose)
/// it. Dispose when the batch using it is done.</summary>
public sealed class AdapterLease : IDisposable
{
    private readonly AdapterCache _cache;
    private int _released;

    internal AdapterLease(AdapterCache cache, ServedAdapter adapter)
    {
        _cache = cache;
        Adapter = adapter;
    }

    public ServedAdapter Adapter { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _cache.Release(Adapter);
    }
}
