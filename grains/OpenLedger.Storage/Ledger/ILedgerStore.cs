using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger's committed data: blocks, transactions with receipts, and account state.
/// A block and everything it changes commit in one database transaction.</summary>
public interface ILedgerStore
{
    /// <summary>Creates the tables if needed and writes the genesis block into an empty database. Refuses a
    /// database that holds another chain (different genesis hash).</summary>
    Task InitializeAsync(ChainRules rules, CancellationToken ct = default);

    /// <summary>Commits a block, its transactions and receipts, and the accounts it changed: all or nothing.</summary>
    /// <remarks>Unfenced: for tools and tests that write a chain with no producer running. The height's primary key
    /// still refuses a second block at a height.</remarks>
    Task CommitBlockAsync(ExecutedBlock block, Signature producerSignature, CancellationToken ct = default);

    /// <summary>Commits a block as <see cref="CommitBlockAsync(ExecutedBlock, Signature, CancellationToken)"/> does, but
    /// only if <paramref name="producerEpoch"/> (from <see cref="ClaimProducerEpochAsync"/>) is still the current producer
    /// epoch, checked inside the block's own transaction; otherwise writes nothing and throws
    /// <see cref="ProducerFencedException"/> (code ProducerFenced).</summary>
    Task CommitBlockAsync(ExecutedBlock block, Signature producerSignature, long producerEpoch, CancellationToken ct = default);

    /// <summary>Takes over block production: increments the producer epoch atomically (the first claim gets 1) and
    /// returns it. Every earlier epoch is fenced from then on. <paramref name="holder"/> is recorded to say who.</summary>
    Task<long> ClaimProducerEpochAsync(string holder, CancellationToken ct = default);

    /// <summary>The current producer epoch, or null if no producer has claimed one yet.</summary>
    Task<long?> GetProducerEpochAsync(CancellationToken ct = default);

    /// <summary>The committed state and the head header, as left by the last committed block: read in one snapshot
    /// (a block committed meanwhile is seen entirely or not at all) and checked against the head's state root
    /// (<see cref="StateRootMismatchException"/> if they differ).</summary>
    Task<(LedgerState State, BlockHeader Head)> LoadStateAsync(CancellationToken ct = default);

    Task<BlockHeader?> GetHeadAsync(CancellationToken ct = default);
    Task<SealedBlock?> GetBlockAsync(long height, CancellationToken ct = default);

    /// <summary>A committed block's header, signature and transaction hashes (no transaction bytes), or null.</summary>
    Task<BlockSummary?> GetBlockSummaryAsync(long height, CancellationToken ct = default);
    Task<long?> GetHeightOfBlockAsync(Hash32 hash, CancellationToken ct = default);

    /// <summary>The stamps of the committed blocks from <paramref name="fromHeight"/> to <paramref name="toHeight"/>
    /// sealed at or after <paramref name="sinceMs"/>, newest first: the caller bounds the height range, so the read is
    /// bounded whatever the timestamps.</summary>
    Task<IReadOnlyList<BlockStamp>> GetBlockStampsAsync(long fromHeight, long toHeight, long sinceMs, CancellationToken ct = default);
    Task<TransactionRecord?> GetTransactionAsync(Hash32 hash, CancellationToken ct = default);
    Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> of a block's transactions from position <paramref name="offset"/> on, in block order:
    /// a page, without reading the rest of a block that may hold thousands.</summary>
    Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, int offset, int limit, CancellationToken ct = default);
    Task<IReadOnlyDictionary<Address, AccountState>> GetAccountsAsync(IReadOnlyCollection<Address> addresses, CancellationToken ct = default);

    /// <summary>Transactions sent or received by an account, newest first, strictly below <paramref name="beforeHeight"/> if given.</summary>
    Task<IReadOnlyList<TransactionRecord>> GetAccountTransactionsAsync(Address address, int limit, long? beforeHeight = null, CancellationToken ct = default);

    /// <summary>A committed marketplace object by id, or null.</summary>
    Task<StoredObject?> GetObjectAsync(Hash32 id, CancellationToken ct = default);

    /// <summary>A page of committed marketplace objects.</summary>
    Task<IReadOnlyList<StoredObject>> QueryObjectsAsync(ObjectQuery query, CancellationToken ct = default);

    /// <summary>A page of committed marketplace events, newest first.</summary>
    Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken ct = default);

    /// <summary>How many committed objects match the query's filters (its page ignored), or null if more than
    /// <paramref name="cap"/> do: the count reads at most cap + 1 index entries.</summary>
    Task<int?> CountObjectsAsync(ObjectQuery query, int cap, CancellationToken ct = default);

    /// <summary>How many committed events match the query's filters (its page ignored), or null if more than <paramref name="cap"/> do.</summary>
    Task<int?> CountEventsAsync(EventQuery query, int cap, CancellationToken ct = default);

    /// <summary>Every committed block from <paramref name="fromHeight"/> in height order (for replay).</summary>
    IAsyncEnumerable<SealedBlock> ReadBlocksAsync(long fromHeight = 0, CancellationToken ct = default);
}
