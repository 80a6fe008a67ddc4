using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger store on SQLite (embedded, one file) or PostgreSQL (shared by a cluster). The SQL is the
/// same but for the DDL and the bulk writes: SQLite reuses one prepared statement per row inside the transaction
/// (cheap in-process calls), PostgreSQL sends each table's rows as arrays in one round trip (unnest).</summary>
public sealed class SqlLedgerStore(StorageBackend backend, string connectionString) : ILedgerStore
{
    public StorageBackend Backend => backend;

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection c = backend == StorageBackend.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await c.OpenAsync(ct);
        if (backend == StorageBackend.Sqlite)
        {
            // WAL lets readers run beside the single writer; FULL makes a committed block survive power loss too.
            await ExecAsync(c, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;", ct);
        }
        return c;
    }

    private static async Task ExecAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] ps)
    {
        await using var cmd = Command(c, tx, sql, ps);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] ps)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in ps)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public async Task InitializeAsync(ChainRules rules, CancellationToken ct = default)
    {
        await LedgerSchema.EnsureAsync(backend, connectionString, ct);
        var (state, genesis) = GenesisBlock.Build(rules);
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        string? existing;
        await using (var cmd = Command(c, tx, "SELECT value FROM ledger_meta WHERE key = 'genesis_hash'"))
            existing = (string?)await cmd.ExecuteScalarAsync(ct);
        if (existing is not null)
        {
            if (existing != genesis.Hash.ToString())
                throw new InvalidOperationException(
                    $"this database holds the chain with genesis {existing}, not {genesis.Hash} (chain id {rules.ChainId}); use another data directory or the matching genesis file");
            return;
        }
        await ExecAsync(c, tx, "INSERT INTO ledger_meta (key, value) VALUES ('genesis_hash', @v)", ct, ("@v", genesis.Hash.ToString()));
        await ExecAsync(c, tx, "INSERT INTO ledger_meta (key, value) VALUES ('chain_id', @v)", ct, ("@v", rules.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var executed = new ExecutedBlock(genesis, [], [], [], state.Accounts().ToList());
        await WriteBlockAsync(c, tx, executed, new Signature(Hash32.Zero, Hash32.Zero, 0), ct);
        await tx.CommitAsync(ct);
    }

    public async Task CommitBlockAsync(ExecutedBlock block, Signature producerSignature, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await WriteBlockAsync(c, tx, block, producerSignature, ct);
        await tx.CommitAsync(ct);
    }

    private async Task WriteBlockAsync(DbConnection c, DbTransaction tx, ExecutedBlock block, Signature signature, CancellationToken ct)
    {
        var h = block.Header;
        await ExecAsync(c, tx,
            "INSERT INTO ledger_blocks (height, hash, header, signature, tx_count, timestamp_ms) VALUES (@h, @hash, @header, @sig, @n, @ts)", ct,
            ("@h", h.Height), ("@hash", h.Hash.ToArray()), ("@header", h.Encode()), ("@sig", signature.ToArray()), ("@n", h.TxCount), ("@ts", h.TimestampMs));
        if (backend == StorageBackend.Sqlite) await WriteRowsSqliteAsync(c, tx, block, ct);
        else await WriteRowsPostgresAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, block, ct);
    }

    private const string InsertTx =
        "INSERT INTO ledger_transactions (hash, height, idx, sender, recipient, kind, raw, status, error, gas_used, fee) " +
        "VALUES (@hash, @height, @idx, @sender, @recipient, @kind, @raw, @status, @error, @gas, @fee)";

    private const string UpsertAccount =
        "INSERT INTO ledger_accounts (address, idx, balance, nonce, updated_height) VALUES (@a, @i, @b, @n, @h) " +
        "ON CONFLICT (address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce, updated_height = excluded.updated_height";

    private static async Task WriteRowsSqliteAsync(DbConnection c, DbTransaction tx, ExecutedBlock block, CancellationToken ct)
    {
        var height = block.Header.Height;
        if (block.Transactions.Count > 0)
        {
            await using var cmd = Command(c, tx, InsertTx, ("@hash", null), ("@height", height), ("@idx", null), ("@sender", null),
                ("@recipient", null), ("@kind", null), ("@raw", null), ("@status", null), ("@error", null), ("@gas", null), ("@fee", null));
            cmd.Prepare();
            var p = cmd.Parameters;
            for (int i = 0; i < block.Transactions.Count; i++)
            {
                var t = block.Transactions[i];
                var r = block.Receipts[i];
                p[0].Value = t.Hash.ToArray();
                p[2].Value = i;
                p[3].Value = t.Sender.ToArray();
                p[4].Value = RecipientOf(t.Tx) is { } to ? to.ToArray() : DBNull.Value;
                p[5].Value = (int)t.Tx.Kind;
                p[6].Value = t.Raw;
                p[7].Value = (int)r.Status;
                p[8].Value = (int)r.Error;
                p[9].Value = (long)r.GasUsed;
                p[10].Value = r.Fee.ToString();
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        if (block.ChangedAccounts.Count > 0)
        {
            await using var cmd = Command(c, tx, UpsertAccount, ("@a", null), ("@i", null), ("@b", null), ("@n", null), ("@h", height));
            cmd.Prepare();
            var p = cmd.Parameters;
            foreach (var (index, address, state) in block.ChangedAccounts)
            {
                p[0].Value = address.ToArray();
                p[1].Value = index;
                p[2].Value = state.Balance.ToString();
                p[3].Value = (long)state.Nonce;
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task WriteRowsPostgresAsync(NpgsqlConnection c, NpgsqlTransaction tx, ExecutedBlock block, CancellationToken ct)
    {
        var height = block.Header.Height;
        var n = block.Transactions.Count;
        if (n > 0)
        {
            var hashes = new byte[n][]; var idx = new int[n]; var senders = new byte[n][]; var recipients = new byte[]?[n];
            var kinds = new int[n]; var raws = new byte[n][]; var statuses = new short[n]; var errors = new int[n];
            var gas = new long[n]; var fees = new string[n];
            for (int i = 0; i < n; i++)
            {
                var t = block.Transactions[i]; var r = block.Receipts[i];
                hashes[i] = t.Hash.ToArray(); idx[i] = i; senders[i] = t.Sender.ToArray();
                recipients[i] = RecipientOf(t.Tx)?.ToArray(); kinds[i] = (int)t.Tx.Kind; raws[i] = t.Raw;
                statuses[i] = (short)r.Status; errors[i] = (int)r.Error; gas[i] = (long)r.GasUsed; fees[i] = r.Fee.ToString();
            }
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO ledger_transactions (hash, height, idx, sender, recipient, kind, raw, status, error, gas_used, fee) " +
                "SELECT h, @height, i, s, r, k, w, st, e, g, f FROM unnest(@hashes, @idx, @senders, @recipients, @kinds, @raws, @statuses, @errors, @gas, @fees) " +
                "AS u(h, i, s, r, k, w, st, e, g, f)", c, tx);
            cmd.Parameters.AddWithValue("height", height);
            cmd.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = hashes });
            cmd.Parameters.AddWithValue("idx", idx);
            cmd.Parameters.Add(new NpgsqlParameter("senders", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = senders });
            cmd.Parameters.Add(new NpgsqlParameter("recipients", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = recipients });
            cmd.Parameters.AddWithValue("kinds", kinds);
            cmd.Parameters.Add(new NpgsqlParameter("raws", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = raws });
            cmd.Parameters.AddWithValue("statuses", statuses);
            cmd.Parameters.AddWithValue("errors", errors);
            cmd.Parameters.AddWithValue("gas", gas);
            cmd.Parameters.AddWithValue("fees", fees);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var m = block.ChangedAccounts.Count;
        if (m > 0)
        {
            var addrs = new byte[m][]; var idxs = new int[m]; var bals = new string[m]; var nonces = new long[m];
            for (int i = 0; i < m; i++)
            {
                var (index, address, state) = block.ChangedAccounts[i];
                addrs[i] = address.ToArray(); idxs[i] = index; bals[i] = state.Balance.ToString(); nonces[i] = (long)state.Nonce;
            }
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO ledger_accounts (address, idx, balance, nonce, updated_height) " +
                "SELECT a, i, b, n, @height FROM unnest(@addrs, @idxs, @bals, @nonces) AS u(a, i, b, n) " +
                "ON CONFLICT (address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce, updated_height = excluded.updated_height", c, tx);
            cmd.Parameters.AddWithValue("height", height);
            cmd.Parameters.Add(new NpgsqlParameter("addrs", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = addrs });
            cmd.Parameters.AddWithValue("idxs", idxs);
            cmd.Parameters.AddWithValue("bals", bals);
            cmd.Parameters.AddWithValue("nonces", nonces);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The account a transaction credits, for the per-account history index.</summary>
    private static Address? RecipientOf(Transaction tx) => tx.Body switch
    {
        Transfer t => t.To,
        _ => null,
    };

    public async Task<(LedgerState State, BlockHeader Head)> LoadStateAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        // One read transaction so the accounts and the head are from the same committed block.
        await using var tx = await c.BeginTransactionAsync(ct);
        var state = new LedgerState();
        await using (var cmd = Command(c, tx, "SELECT address, idx, balance, nonce FROM ledger_accounts ORDER BY idx"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                state.Load(r.GetInt32(1), new Address((byte[])r[0]), new AccountState(Wei.Parse(r.GetString(2)), (ulong)r.GetInt64(3)));
        BlockHeader? head;
        await using (var cmd = Command(c, tx, "SELECT header FROM ledger_blocks ORDER BY height DESC LIMIT 1"))
            head = await cmd.ExecuteScalarAsync(ct) is byte[] b ? BlockHeader.Decode(b) : null;
        await tx.CommitAsync(ct);
        return (state, head ?? throw new InvalidOperationException("the ledger has no genesis block: call InitializeAsync first"));
    }

    public async Task<BlockHeader?> GetHeadAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT header FROM ledger_blocks ORDER BY height DESC LIMIT 1");
        return await cmd.ExecuteScalarAsync(ct) is byte[] b ? BlockHeader.Decode(b) : null;
    }

    public async Task<SealedBlock?> GetBlockAsync(long height, CancellationToken ct = default)
    {
        await foreach (var b in ReadBlocksAsync(height, height, ct)) return b;
        return null;
    }

    public async Task<long?> GetHeightOfBlockAsync(Hash32 hash, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT height FROM ledger_blocks WHERE hash = @h", ("@h", hash.ToArray()));
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public IAsyncEnumerable<SealedBlock> ReadBlocksAsync(long fromHeight = 0, CancellationToken ct = default) =>
        ReadBlocksAsync(fromHeight, long.MaxValue, ct);

    private async IAsyncEnumerable<SealedBlock> ReadBlocksAsync(long from, long to, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var bc = await OpenAsync(ct);
        await using var cmd = Command(c, null,
            "SELECT height, header, signature FROM ledger_blocks WHERE height >= @f AND height <= @t ORDER BY height", ("@f", from), ("@t", to));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var height = r.GetInt64(0);
            var header = BlockHeader.Decode((byte[])r[1]);
            var sig = Signature.Read((byte[])r[2]);
            var raws = new List<byte[]>(header.TxCount);
            if (header.TxCount > 0)
            {
                await using var tc = Command(bc, null, "SELECT raw FROM ledger_transactions WHERE height = @h ORDER BY idx", ("@h", height));
                await using var tr = await tc.ExecuteReaderAsync(ct);
                while (await tr.ReadAsync(ct)) raws.Add((byte[])tr[0]);
            }
            yield return new SealedBlock(header, sig, raws);
        }
    }

    private const string SelectTx = "SELECT hash, height, idx, sender, recipient, kind, raw, status, error, gas_used, fee FROM ledger_transactions";

    private static TransactionRecord ReadTx(DbDataReader r)
    {
        var hash = new Hash32((byte[])r[0]);
        var receipt = new Receipt(hash, r.GetInt32(2), (ReceiptStatus)Convert.ToByte(r[7], System.Globalization.CultureInfo.InvariantCulture),
            (ErrorCode)r.GetInt32(8), (ulong)r.GetInt64(9), Wei.Parse(r.GetString(10)));
        return new TransactionRecord(r.GetInt64(1), r.GetInt32(2), (TxKind)r.GetInt32(5), new Address((byte[])r[3]),
            r.IsDBNull(4) ? null : new Address((byte[])r[4]), (byte[])r[6], receipt);
    }

    private async Task<IReadOnlyList<TransactionRecord>> QueryTxsAsync(string sql, CancellationToken ct, params (string, object?)[] ps)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, ps);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<TransactionRecord>();
        while (await r.ReadAsync(ct)) list.Add(ReadTx(r));
        return list;
    }

    public async Task<TransactionRecord?> GetTransactionAsync(Hash32 hash, CancellationToken ct = default) =>
        (await QueryTxsAsync(SelectTx + " WHERE hash = @h", ct, ("@h", hash.ToArray()))).FirstOrDefault();

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, CancellationToken ct = default) =>
        QueryTxsAsync(SelectTx + " WHERE height = @h ORDER BY idx", ct, ("@h", height));

    public Task<IReadOnlyList<TransactionRecord>> GetAccountTransactionsAsync(Address address, int limit, long? beforeHeight = null, CancellationToken ct = default) =>
        QueryTxsAsync(
            $"SELECT * FROM ({SelectTx} WHERE sender = @a AND height < @b UNION {SelectTx} WHERE recipient = @a AND height < @b) AS t " +
            "ORDER BY height DESC, idx DESC LIMIT @n", ct,
            ("@a", address.ToArray()), ("@b", beforeHeight ?? long.MaxValue), ("@n", limit));

    public async Task<IReadOnlyDictionary<Address, AccountState>> GetAccountsAsync(IReadOnlyCollection<Address> addresses, CancellationToken ct = default)
    {
        var result = new Dictionary<Address, AccountState>();
        if (addresses.Count == 0) return result;
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, "SELECT balance, nonce FROM ledger_accounts WHERE address = @a", ("@a", null));
        foreach (var a in addresses)
        {
            cmd.Parameters[0].Value = a.ToArray();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) result[a] = new AccountState(Wei.Parse(r.GetString(0)), (ulong)r.GetInt64(1));
        }
        return result;
    }
}
