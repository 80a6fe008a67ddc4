namespace OpenLedger.Core.Mempool;

/// <summary>Where a transaction stands in the mempool.</summary>
public enum PoolStatus
{
    /// <summary>Not held (never admitted, committed, or evicted).</summary>
    Absent = 0,
    /// <summary>Executable now: in the ready queue, waiting for a block.</summary>
    Ready = 1,
    /// <summary>Gapped: its nonce is ahead of its sender's next one; it waits (at most the time to live) for the gap.</summary>
    Future = 2,
    /// <summary>Taken by the producer for the block being built.</summary>
    InFlight = 3,
}
