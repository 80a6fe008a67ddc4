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
}

/// <summary>One adapter's counters in an <see cref="AdapterCache"/>.</summary>
/// <param name="Requests">Acquisitions, hits and misses alike.</param>
/// <param name="Loads">Completed loads (one per miss, whatever the number of concurrent requesters).</param>
/// <param name="LastLoadMilliseconds">Fetch plus parse time of the last completed load.</param>
/// <param name="Bytes">Resident tensor bytes (0 while never loaded).</param>
/// <param name="InUse">Leases currently held (batches running with it).</param>
public sealed record AdapterMetrics(
    Hash32 Id, AdapterState State, long Requests, int Loads, double LastLoadMilliseconds, long Bytes, int InUse);
