using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Mempool;

/// <summary>Why an admitted transaction left the mempool without being committed. Stable: never renumber.</summary>
public enum EvictionReason
{
    /// <summary>It waited behind a nonce gap longer than <see cref="MempoolOptions.FutureTtlMs"/>.</summary>
    Expired = 1,
    /// <summary>The pool was full and a transaction that outranks it (pays more per gas, or is executable where it
    /// was gapped) took its room.</summary>
    Displaced = 2,
    /// <summary>Its sender replaced it with a transaction of the same nonce at a higher gas price.</summary>
    Replaced = 3,
    /// <summary>The producer excluded it from a block: it could not pay when executed.</summary>
    Excluded = 4,
    /// <summary>Another transaction of its sender was excluded or faulted: the sender's nonce run broke, so the rest
    /// of its run is dropped and the sender resubmits.</summary>
    SenderReset = 5,
    /// <summary>Its nonce was used by a committed transaction.</summary>
    Stale = 6,
    /// <summary>Executing it raised a fault in the producer (a bug); it is dropped so the chain keeps going.</summary>
    ExecutionFault = 7,
}

/// <summary>One transaction evicted, and why.</summary>
public readonly record struct Eviction(Hash32 Hash, Address Sender, EvictionReason Reason);
