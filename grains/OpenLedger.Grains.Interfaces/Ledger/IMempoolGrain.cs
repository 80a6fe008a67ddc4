using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Ledger;

/// <summary>Pending transactions: admission, eviction and hand-over to the block producer, by the policy in
/// <see cref="Core.Mempool.TransactionPool"/> (this grain orchestrates it: loads unknown senders, keeps time, reports).</summary>
public interface IMempoolGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<SubmitResult>> AddAsync(TxBatch batch);

    /// <summary>Up to <paramref name="max"/> executable transactions in queue order, within the block gas limit; they
    /// stay "in flight" (still counted, still duplicates) until the block that holds them commits.</summary>
    Task<TakenTransactions> TakeAsync(int max);

    /// <summary>A block committed. Whatever was taken for it and it neither included nor excluded (cut off by a block
    /// limit) returns to its place in the ready queue.</summary>
    Task OnBlockCommittedAsync(BlockCommitted block);

    /// <summary>The producer's block failed with a fault and its changes were discarded: the culprit (if known) is
    /// evicted with its sender's run; the rest of what was in flight returns to its place.</summary>
    Task OnBlockFaultedAsync(Hash32? culprit);

    /// <summary>Called when the producer (re)activates or a commit failed: anything in flight returns to the ready queue.</summary>
    Task ReturnInFlightAsync();

    Task<MempoolStats> GetStatsAsync();
    Task<bool> ContainsAsync(Hash32 hash);
    /// <summary>The sender's pending count, the nonce to sign next, and up to 256 of its pending transaction hashes.</summary>
    Task<(int Count, ulong NextNonce, IReadOnlyList<Hash32> Hashes)> GetPendingAsync(Address address);
}
