using System.Data;
using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Storage.Ledger.Sql;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger store on SQLite (embedded, one file) or PostgreSQL (shared by a cluster). The SQL is the same
/// but for the DDL and the bulk writes; the parts live in Ledger/Sql: the tables' columns (<see cref="LedgerTables"/>),
/// each backend's block writer, the snapshot state load, and the ledger and marketplace reads.</summary>
public sealed class SqlLedgerStore : ILedgerStore, IAsyncDisposable
{
    private readonly LedgerConnections _connections;
    private readonly IBlockWriter _writer;
    private readonly SqliteCommitter? _sqlite;
    private readonly SqlStateLoader _loader;
    private readonly SqlLedgerQueries _ledger;
    private readonly SqlMarketQueries _market;

    public SqlLedgerStore(StorageBackend backend, string connectionString)
    {
        _connections = new LedgerConnections(backend, connectionString);
        _writer = IBlockWriter.For(backend);
        _sqlite = backend == StorageBackend.Sqlite ? new SqliteCommitter(_connections, _writer) : null;
        _loader = new SqlStateLoader(_connections);
        _ledger = new SqlLedgerQueries(_connections);
        _market = new SqlMarketQueries(_connections);
    }

    public StorageBackend Backend => _connections.Backend;

    /// <summary>The database's connection string: other tables of the node's store (Model Factory's checkpoints) live beside the ledger's.</summary>
    public string ConnectionString => _connections.ConnectionString;

    private const long GenesisLockKey = 0x4F70656E47656E65; // "OpenGene": not the schema scripts' keys

    public async Task InitializeAsync(ChainRules rules, CancellationToken ct = default)
    {
        await LedgerSchema.EnsureAsync(Backend, _connections.ConnectionString, ct);
        var (state, genesis) = GenesisBlock.Build(rules);
        await using var c = await _connections.OpenAsync(ct);
        // SQLite: Serializable begins IMMEDIATE, so a second node starting at once waits here for the first's genesis.
        // PostgreSQL: nodes starting at once would both find no genesis and both insert it (a unique violation, or a
        // serialization failure); the advisory lock makes the later one wait and then see the first one's. Read
        // committed, because a serializable snapshot would be taken by the lock's own statement, before the wait.
        var isolation = Backend == StorageBackend.Sqlite ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted;
        await using var tx = await c.BeginTransactionAsync(isolation, ct);
        if (Backend == StorageBackend.PostgreSql)
            await LedgerConnections.ExecAsync(c, tx, $"SELECT pg_advisory_xact_lock({GenesisLockKey})", ct);
        string? existing;
        await using (var cmd = LedgerConnections.Command(c, tx, "SELECT value FROM ledger_meta WHERE key = 'genesis_hash'"))
            existing = (string?)await cmd.ExecuteScalarAsync(ct);
        if (existing is not null)
        {
            if (existing != genesis.Hash.ToString())
                throw new InvalidOperationException(
                    $"this database holds the chain with genesis {existing}, not {genesis.Hash} (chain id {rules.ChainId}); use another data directory or the matching genesis file");
            return;
        }
        var insertMeta = LedgerTables.Meta.NamedInsert;
        await LedgerConnections.ExecAsync(c, tx, insertMeta, ct, ("@key", "genesis_hash"), ("@value", genesis.Hash.ToString()));
        await LedgerConnections.ExecAsync(c, tx, insertMeta, ct, ("@key", "chain_id"), ("@value", rules.ChainId.ToString(CultureInfo.InvariantCulture)));
        var executed = new ExecutedBlock(genesis, [], [], [], state.Accounts().ToList());
        await _writer.WriteAsync(c, tx, executed, new Signature(Hash32.Zero, Hash32.Zero, 0), ct);
        await tx.CommitAsync(ct);
    }

    public Task CommitBlockAsync(ExecutedBlock block, Signature producerSignature, CancellationToken ct = default) =>
        CommitAsync(block, producerSignature, null, ct);

    public Task CommitBlockAsync(ExecutedBlock block, Signature producerSignature, long producerEpoch, CancellationToken ct = default) =>
        CommitAsync(block, producerSignature, producerEpoch, ct);

    public Task<long> ClaimProducerEpochAsync(string holder, CancellationToken ct = default) => ProducerFence.ClaimAsync(_connections, holder, ct);

    public Task<long?> GetProducerEpochAsync(CancellationToken ct = default) => ProducerFence.CurrentAsync(_connections, ct);

    private async Task CommitAsync(ExecutedBlock block, Signature producerSignature, long? producerEpoch, CancellationToken ct)
    {
        if (_sqlite is not null)
        {
            await _sqlite.CommitAsync(block, producerSignature, producerEpoch, ct);
            return;
        }
        // PostgreSQL: a pooled connection per block; the server keeps the cache.
        await using var c = await _connections.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (producerEpoch is { } epoch) await ProducerFence.CheckAsync(c, tx, epoch, block.Header.Height, ct);
        await _writer.WriteAsync(c, tx, block, producerSignature, ct);
        await tx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlite is not null) await _sqlite.DisposeAsync();
    }

    /// <summary>Tests only (internal, in-process): runs between a reload's reads of the accounts and of the rest, so a
    /// test can commit a block in between and check the reload still sees one block whole.</summary>
    internal Func<CancellationToken, Task>? BetweenReloadReadsForTests
    {
        get => _loader.BetweenReadsForTests;
        set => _loader.BetweenReadsForTests = value;
    }

    public Task<(LedgerState State, BlockHeader Head)> LoadStateAsync(CancellationToken ct = default) => _loader.LoadAsync(ct);

    public Task<BlockHeader?> GetHeadAsync(CancellationToken ct = default) => _ledger.GetHeadAsync(ct);

    public async Task<SealedBlock?> GetBlockAsync(long height, CancellationToken ct = default)
    {
        await foreach (var b in _ledger.ReadBlocksAsync(height, height, ct)) return b;
        return null;
    }

    public Task<BlockSummary?> GetBlockSummaryAsync(long height, CancellationToken ct = default) => _ledger.GetBlockSummaryAsync(height, ct);

    public Task<long?> GetHeightOfBlockAsync(Hash32 hash, CancellationToken ct = default) => _ledger.GetHeightOfBlockAsync(hash, ct);

    public Task<IReadOnlyList<BlockStamp>> GetBlockStampsAsync(long fromHeight, long toHeight, long sinceMs, CancellationToken ct = default) =>
        _ledger.GetBlockStampsAsync(fromHeight, toHeight, sinceMs, ct);

    public IAsyncEnumerable<SealedBlock> ReadBlocksAsync(long fromHeight = 0, CancellationToken ct = default) =>
        _ledger.ReadBlocksAsync(fromHeight, long.MaxValue, ct);

    public Task<TransactionRecord?> GetTransactionAsync(Hash32 hash, CancellationToken ct = default) => _ledger.GetTransactionAsync(hash, ct);

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, CancellationToken ct = default) =>
        _ledger.GetBlockTransactionsAsync(height, ct);

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, int offset, int limit, CancellationToken ct = default) =>
        _ledger.GetBlockTransactionsAsync(height, offset, limit, ct);

    public Task<IReadOnlyList<TransactionRecord>> GetAccountTransactionsAsync(Address address, int limit, long? beforeHeight = null, CancellationToken ct = default) =>
        _ledger.GetAccountTransactionsAsync(address, limit, beforeHeight, ct);

    public Task<IReadOnlyDictionary<Address, AccountState>> GetAccountsAsync(IReadOnlyCollection<Address> addresses, CancellationToken ct = default) =>
        _ledger.GetAccountsAsync(addresses, ct);

    public Task<StoredObject?> GetObjectAsync(Hash32 id, CancellationToken ct = default) => _market.GetObjectAsync(id, ct);

    public Task<IReadOnlyList<StoredObject>> QueryObjectsAsync(ObjectQuery query, CancellationToken ct = default) => _market.QueryObjectsAsync(query, ct);

    public Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery query, CancellationToken ct = default) => _market.QueryEventsAsync(query, ct);

    public Task<int?> CountObjectsAsync(ObjectQuery query, int cap, CancellationToken ct = default) => _market.CountObjectsAsync(query, cap, ct);

    public Task<int?> CountEventsAsync(EventQuery query, int cap, CancellationToken ct = default) => _market.CountEventsAsync(query, cap, ct);
}
