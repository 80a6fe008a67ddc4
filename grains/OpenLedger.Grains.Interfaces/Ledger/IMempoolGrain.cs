using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Ledger;

/// <summary>Pending transactions: admission against committed state (nonce, balance for the maximum cost,
/// duplicates, capacity), per-sender nonce order, and hand-over to the block producer.</summary>
public interface IMempoolGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<SubmitResult>> AddAsync(TxBatch batch);

    /// <summary>Up to <paramref name="max"/> executable transactions, in admission order; they stay "in flight"
    /// (still counted, still duplicates) until the block that holds them commits.</summary>
    Task<TxBatch> TakeAsync(int max);

    Task OnBlockCommittedAsync(BlockCommitted block);

    /// <summary>Called when the producer (re)activates: anything in flight returns to the ready queue.</summary>
    Task ReturnInFlightAsync();

    Task<MempoolStats> GetStatsAsync();
    Task<bool> ContainsAsync(Hash32 hash);
    /// <summary>The sender's pending count, the nonce to sign next, and up to 256 of its pending transaction hashes.</summary>
    Task<(int Count, ulong NextNonce, IReadOnlyList<Hash32> Hashes)> GetPendingAsync(Address address);
}
