using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Serving;

/// <summary>An adapter cannot be made resident: even after evicting every adapter that is neither pinned nor in use,
/// it does not fit the cache's byte budget.</summary>
public sealed class AdapterCacheFullException(Hash32 id, long bytes, long budget, long held)
    : InvalidOperationException($"adapter {id} needs {bytes} bytes but only {budget - held} of the {budget}-byte budget can be freed: " +
                                $"{held} bytes are held by pinned or in-use adapters")
{
    public Hash32 Id { get; } = id;
    public long Bytes { get; } = bytes;
    public long Budget { get; } = budget;
}
