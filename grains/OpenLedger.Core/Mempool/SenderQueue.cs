using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Mempool;

/// <summary>One sender's committed state and pending transactions. Its run is the contiguous nonces from the
/// committed nonce up to <see cref="NextNonce"/> (ready or in flight, in nonce order); anything above is gapped.</summary>
internal sealed class SenderQueue(AccountState committed)
{
    public ulong CommittedNonce { get; set; } = committed.Nonce;
    public Wei CommittedBalance { get; set; } = committed.Balance;
    public ulong NextNonce { get; set; } = committed.Nonce;
    /// <summary>Summed maximum cost of every pending transaction: admission keeps it within the committed balance.</summary>
    public Wei PendingCost { get; set; } = Wei.Zero;
    public SortedDictionary<ulong, PoolEntry> ByNonce { get; } = [];
    public int FutureCount { get; set; }
    /// <summary>The run's last entry while it is ready: the only ready entry of this sender that may be evicted, since
    /// evicting an earlier one would strand the ones after it behind a gap.</summary>
    public PoolEntry? Tail { get; set; }
}
