using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Serving;

/// <summary>Where an adapter is in the <see cref="AdapterCache"/>'s life cycle.</summary>
public enum AdapterState
{
    /// <summary>Its artifact is being fetched and parsed.</summary>
    Loading,
    /// <summary>In memory, evictable when not in use.</summary>
    Resident,
    /// <summary>In memory and never evicted until unpinned.</summary>
    Pinned,
    /// <summary>Was resident (or failed to load); the next request loads it again.</summary>
    Evicted,
    /// <summary>Refused: not an adapter for this base model, or it failed a forward pass. Every request for it is refused
    /// at once (<see cref="InvalidAdapterException"/>) until an operator clears it.</summary>
    Quarantined,
}

/// <summary>One adapter's counters in an <see cref="AdapterCache"/>.</summary>
/// <param name="Requests">Acquisitions, hits and misses alike.</param>
/// <param name="Loads">Completed loads (one per miss, whatever the number of concurrent requesters).</param>
/// <param name="LastLoadMilliseconds">Fetch plus parse time of the last completed load.</param>
/// <param name="Bytes">Resident tensor bytes (0 while never loaded).</param>
/// <param name="InUse">Leases currently held (batches running with it).</param>
/// <param name="QuarantineReason">Why it is quarantined (naming the layer and the mismatch); null when it is not.</param>
public sealed record AdapterMetrics(
    Hash32 Id, AdapterState State, long Requests, int Loads, double LastLoadMilliseconds, long Bytes, int InUse, string? QuarantineReason = null);
