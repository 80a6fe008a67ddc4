using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger store on SQLite (embedded, one file) or PostgreSQL (shared by a cluster). The SQL is the
/// same but for the DDL and the bulk writes: SQLite binds one prepared statement per row inside the transaction
/// (cheap in-process calls, made through SQLite's C API), PostgreSQL sends each table's rows as arrays in one
/// round trip (unnest).</summary>
public sealed class SqlLedgerStore(StorageBackend backend, string connectionString) : ILedgerStore, IAsyncDisposable
{
    public StorageBackend Backend => backend;

    // SQLite: blocks are written through one long-lived connection. Its page cache keeps the tables' upper B-tree
    // levels and hot leaves across blocks (a pooled connection per block would start from whatever the pool hands
    // out, with SQLite's default 2 MB cache). The lock orders commits should two callers ever race (a producer runs
    // as a single activation, so normally there is one).
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    // SQLite's automatic checkpoint copies the write-ahead log into the database inside the commit that crosses
    // its threshold, i.e. inside the producer's turn, and after almost every large block. Instead the writer's
    // threshold is set high (a safety net) and a passive checkpoint runs beside the producer, on another connection,
    // once enough has been written: a page changed by several blocks is then copied once, and never in a commit.
    private const int WriterCacheKiB = 65_536;
    private const int WriterAutoCheckpointPages = 100_000;
    private const int CheckpointAfterRows = 16_384;
    private int _rowsSinceCheckpoint;
    private int _checkpointing;

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
        if (backend != StorageBackend.Sqlite)
        {
            await using var c = await OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            await WriteBlockAsync(c, tx, block, producerSignature, ct);
            await tx.CommitAsync(ct);
            return;
        }
        await _writeLock.WaitAsync(ct);
        try
        {
            _writer ??= await OpenWriterAsync(ct);
            try
            {
                await using var tx = await _writer.BeginTransactionAsync(ct);
                await WriteBlockAsync(_writer, tx, block, producerSignature, ct);
                await tx.CommitAsync(ct);
            }
            catch
            {
                // Whatever state the connection is in, the next block starts on a fresh one (the transaction rolled back).
                await _writer.DisposeAsync();
                _writer = null;
                throw;
            }
        }
        finally { _writeLock.Release(); }
        if (Interlocked.Add(ref _rowsSinceCheckpoint, block.Transactions.Count + block.ChangedAccounts.Count) >= CheckpointAfterRows)
            StartCheckpoint();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken ct)
    {
        var c = (SqliteConnection)await OpenAsync(ct);
        await ExecAsync(c, null, $"PRAGMA cache_size=-{WriterCacheKiB}; PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages};", ct);
        return c;
    }

    private void StartCheckpoint()
    {
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0) return;
        Interlocked.Exchange(ref _rowsSinceCheckpoint, 0);
        _ = Task.Run(async () =>
        {
            try
            {
                await using var c = await OpenAsync(CancellationToken.None);
                await ExecAsync(c, null, "PRAGMA wal_checkpoint(PASSIVE);", CancellationToken.None);
            }
            catch (Exception)
            {
                // A checkpoint that fails (busy, closing) loses nothing: the log stays and the next one copies it.
            }
            finally { Volatile.Write(ref _checkpointing, 0); }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_writer is not null) await _writer.DisposeAsync();
            _writer = null;
        }
        finally { _writeLock.Release(); }
    }

    private async Task WriteBlockAsync(DbConnection c, DbTransaction tx, ExecutedBlock block, Signature signature, CancellationToken ct)
    {
        var h = block.Header;
        await ExecAsync(c, tx,
            "INSERT INTO ledger_blocks (height, hash, header, signature, tx_count, timestamp_ms) VALUES (@h, @hash, @header, @sig, @n, @ts)", ct,
            ("@h", h.Height), ("@hash", h.Hash.ToArray()), ("@header", h.Encode()), ("@sig", signature.ToArray()), ("@n", h.TxCount), ("@ts", h.TimestampMs));
        if (backend == StorageBackend.Sqlite) await WriteRowsSqliteAsync(c, block);
        else await WriteRowsPostgresAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, block, ct);
    }

    private const string InsertTx =
        "INSERT INTO ledger_transactions (hash, height, idx, sender, recipient, kind, raw, status, error, gas_used, fee) " +
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

    private const string UpsertAccount =
        "INSERT INTO ledger_accounts (address, idx, balance, nonce, updated_height) VALUES (?1, ?2, ?3, ?4, ?5) " +
        "ON CONFLICT (address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce, updated_height = excluded.updated_height";

    // SQLite runs in-process, so the cost of a row is the library's own work plus the managed wrapper's. The rows are
    // written with SQLite's C API on the transaction's own connection: a statement prepared once per block, bound by
    // position from spans (no parameter-name lookups, no per-row reader object, no per-row byte arrays).
    private static Task WriteRowsSqliteAsync(DbConnection c, ExecutedBlock block)
    {
        var db = ((SqliteConnection)c).Handle!;
        var height = block.Header.Height;
        if (block.Transactions.Count > 0)
        {
            using var stmt = Prepare(db, InsertTx);
            Span<byte> hash = stackalloc byte[32], sender = stackalloc byte[Address.Length], recipient = stackalloc byte[Address.Length];
            string? lastFeeText = null;
            Wei lastFee = default;
            for (int i = 0; i < block.Transactions.Count; i++)
            {
                var t = block.Transactions[i];
                var r = block.Receipts[i];
                t.Hash.CopyTo(hash);
                t.Sender.CopyTo(sender);
                Check(db, raw.sqlite3_bind_blob(stmt, 1, hash));
                Check(db, raw.sqlite3_bind_int64(stmt, 2, height));
                Check(db, raw.sqlite3_bind_int(stmt, 3, i));
                Check(db, raw.sqlite3_bind_blob(stmt, 4, sender));
                if (RecipientOf(t.Tx) is { } to)
                {
                    to.CopyTo(recipient);
                    Check(db, raw.sqlite3_bind_blob(stmt, 5, recipient));
                }
                else Check(db, raw.sqlite3_bind_null(stmt, 5));
                Check(db, raw.sqlite3_bind_int(stmt, 6, (int)t.Tx.Kind));
                Check(db, raw.sqlite3_bind_blob(stmt, 7, t.Raw));
                Check(db, raw.sqlite3_bind_int(stmt, 8, (int)r.Status));
                Check(db, raw.sqlite3_bind_int(stmt, 9, (int)r.Error));
                Check(db, raw.sqlite3_bind_int64(stmt, 10, (long)r.GasUsed));
                // Most transactions of a block pay the same fee: format it once.
                if (lastFeeText is null || r.Fee != lastFee) (lastFee, lastFeeText) = (r.Fee, r.Fee.ToString());
                Check(db, raw.sqlite3_bind_text(stmt, 11, lastFeeText));
                Step(db, stmt);
            }
        }
        if (block.ChangedAccounts.Count > 0)
        {
            using var stmt = Prepare(db, UpsertAccount);
            Span<byte> address = stackalloc byte[Address.Length];
            Check(db, raw.sqlite3_bind_int64(stmt, 5, height));
            foreach (var (index, a, state) in block.ChangedAccounts)
            {
                a.CopyTo(address);
                Check(db, raw.sqlite3_bind_blob(stmt, 1, address));
                Check(db, raw.sqlite3_bind_int(stmt, 2, index));
                Check(db, raw.sqlite3_bind_text(stmt, 3, state.Balance.ToString()));
                Check(db, raw.sqlite3_bind_int64(stmt, 4, (long)state.Nonce));
                Step(db, stmt);
            }
        }
        if (block.ChangedObjects.Count > 0)
        {
            using var stmt = Prepare(db, UpsertObject);
            Check(db, raw.sqlite3_bind_int64(stmt, 8, height));
            foreach (var (index, o) in block.ChangedObjects)
            {
                Check(db, raw.sqlite3_bind_blob(stmt, 1, o.Id.AsSpan()));
                Check(db, raw.sqlite3_bind_int(stmt, 2, index));
                Check(db, raw.sqlite3_bind_int(stmt, 3, (int)o.ObjectKind));
                BindOptional(db, stmt, 4, o.Parent);
                Check(db, raw.sqlite3_bind_blob(stmt, 5, o.Party.ToArray()));
                Check(db, raw.sqlite3_bind_int(stmt, 6, o.StatusCode));
                Check(db, raw.sqlite3_bind_int64(stmt, 7, o.CreatedHeight));
                Check(db, raw.sqlite3_bind_blob(stmt, 9, o.Encode()));
                Step(db, stmt);
            }
        }
        if (block.Events.Count > 0)
        {
            using var stmt = Prepare(db, InsertEvent);
            Check(db, raw.sqlite3_bind_int64(stmt, 1, height));
            for (int seq = 0; seq < block.Events.Count; seq++)
            {
                var e = block.Events[seq];
                Check(db, raw.sqlite3_bind_int(stmt, 2, seq));
                Check(db, raw.sqlite3_bind_int(stmt, 3, e.TxIndex));
                Check(db, raw.sqlite3_bind_blob(stmt, 4, e.TxHash.AsSpan()));
                Check(db, raw.sqlite3_bind_int(stmt, 5, (int)e.Kind));
                Check(db, raw.sqlite3_bind_blob(stmt, 6, e.Subject.AsSpan()));
                if (e.Party is { } party) Check(db, raw.sqlite3_bind_blob(stmt, 7, party.ToArray())); else Check(db, raw.sqlite3_bind_null(stmt, 7));
                if (e.Amount is { } amount) Check(db, raw.sqlite3_bind_text(stmt, 8, amount.ToString())); else Check(db, raw.sqlite3_bind_null(stmt, 8));
                BindOptional(db, stmt, 9, e.Datanet);
                BindOptional(db, stmt, 10, e.Model);
                BindOptional(db, stmt, 11, e.Contribution);
                BindOptional(db, stmt, 12, e.Inference);
                if (e.Detail is { } detail) Check(db, raw.sqlite3_bind_text(stmt, 13, detail)); else Check(db, raw.sqlite3_bind_null(stmt, 13));
                Step(db, stmt);
            }
        }
        return Task.CompletedTask;
    }

    private static void BindOptional(sqlite3 db, sqlite3_stmt stmt, int index, Hash32? h)
    {
        if (h is { } v) Check(db, raw.sqlite3_bind_blob(stmt, index, v.AsSpan()));
        else Check(db, raw.sqlite3_bind_null(stmt, index));
    }

    private const string UpsertObject =
        "INSERT INTO ledger_objects (id, idx, kind, parent, party, status, created_height, updated_height, data) " +
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) " +
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_height = excluded.updated_height, data = excluded.data";

    private const string InsertEvent =
        "INSERT INTO ledger_events (height, seq, tx_index, tx_hash, kind, subject, party, amount, datanet, model, contribution, inference, detail) " +
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var stmt));
        return stmt;
    }

    private static void Step(sqlite3 db, sqlite3_stmt stmt)
    {
        var rc = raw.sqlite3_step(stmt);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
        Check(db, raw.sqlite3_reset(stmt));
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
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
        var o = block.ChangedObjects.Count;
        if (o > 0)
        {
            var ids = new byte[o][]; var idxs = new int[o]; var kinds = new short[o]; var parents = new byte[]?[o];
            var parties = new byte[o][]; var statuses = new short[o]; var created = new long[o]; var datas = new byte[o][];
            for (int i = 0; i < o; i++)
            {
                var (index, obj) = block.ChangedObjects[i];
                ids[i] = obj.Id.ToArray(); idxs[i] = index; kinds[i] = (short)obj.ObjectKind; parents[i] = obj.Parent?.ToArray();
                parties[i] = obj.Party.ToArray(); statuses[i] = (short)obj.StatusCode; created[i] = obj.CreatedHeight; datas[i] = obj.Encode();
            }
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO ledger_objects (id, idx, kind, parent, party, status, created_height, updated_height, data) " +
                "SELECT i, x, k, p, a, s, c, @height, d FROM unnest(@ids, @idxs, @kinds, @parents, @parties, @statuses, @created, @datas) AS u(i, x, k, p, a, s, c, d) " +
                "ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_height = excluded.updated_height, data = excluded.data", c, tx);
            cmd.Parameters.AddWithValue("height", height);
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = ids });
            cmd.Parameters.AddWithValue("idxs", idxs);
            cmd.Parameters.AddWithValue("kinds", kinds);
            cmd.Parameters.Add(new NpgsqlParameter("parents", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = parents });
            cmd.Parameters.Add(new NpgsqlParameter("parties", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = parties });
            cmd.Parameters.AddWithValue("statuses", statuses);
            cmd.Parameters.AddWithValue("created", created);
            cmd.Parameters.Add(new NpgsqlParameter("datas", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = datas });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var ev = block.Events.Count;
        if (ev > 0)
        {
            var seqs = new int[ev]; var txi = new int[ev]; var txh = new byte[ev][]; var kinds = new short[ev]; var subjects = new byte[ev][];
            var parties = new byte[]?[ev]; var amounts = new string?[ev]; var datanets = new byte[]?[ev]; var models = new byte[]?[ev];
            var contributions = new byte[]?[ev]; var inferences = new byte[]?[ev]; var details = new string?[ev];
            for (int i = 0; i < ev; i++)
            {
                var e = block.Events[i];
                seqs[i] = i; txi[i] = e.TxIndex; txh[i] = e.TxHash.ToArray(); kinds[i] = (short)e.Kind; subjects[i] = e.Subject.ToArray();
                parties[i] = e.Party?.ToArray(); amounts[i] = e.Amount?.ToString(); datanets[i] = e.Datanet?.ToArray(); models[i] = e.Model?.ToArray();
                contributions[i] = e.Contribution?.ToArray(); inferences[i] = e.Inference?.ToArray(); details[i] = e.Detail;
            }
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO ledger_events (height, seq, tx_index, tx_hash, kind, subject, party, amount, datanet, model, contribution, inference, detail) " +
                "SELECT @height, q, ti, th, k, s, p, a, d, m, c, i, t FROM unnest(@seqs, @txi, @txh, @kinds, @subjects, @parties, @amounts, @datanets, @models, @contributions, @inferences, @details) " +
                "AS u(q, ti, th, k, s, p, a, d, m, c, i, t)", c, tx);
            cmd.Parameters.AddWithValue("height", height);
            cmd.Parameters.AddWithValue("seqs", seqs);
            cmd.Parameters.AddWithValue("txi", txi);
            cmd.Parameters.Add(new NpgsqlParameter("txh", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = txh });
            cmd.Parameters.AddWithValue("kinds", kinds);
            cmd.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = subjects });
            cmd.Parameters.Add(new NpgsqlParameter("parties", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = parties });
            cmd.Parameters.Add(new NpgsqlParameter("amounts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = amounts });
            cmd.Parameters.Add(new NpgsqlParameter("datanets", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = datanets });
            cmd.Parameters.Add(new NpgsqlParameter("models", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = models });
            cmd.Parameters.Add(new NpgsqlParameter("contributions", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = contributions });
            cmd.Parameters.Add(new NpgsqlParameter("inferences", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = inferences });
            cmd.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = details });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The account a transaction credits, for the per-account history index.</summary>
    private static Address? RecipientOf(Transaction tx) => tx.Body switch
    {
        Transfer t => t.To,
        _ => null,
    };

    /// <summary>Tests only (internal, in-process): runs between a reload's reads of the accounts and of the rest, so a
    /// test can commit a block in between and check the reload still sees one block whole.</summary>
    internal Func<CancellationToken, Task>? BetweenReloadReadsForTests { get; set; }

    public async Task<(LedgerState State, BlockHeader Head)> LoadStateAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        // One snapshot for every read, so the accounts, the objects and the head are of the same committed block.
        // PostgreSQL: REPEATABLE READ fixes the snapshot at the first statement (READ COMMITTED takes a new one per
        // statement, so a block committed between two reads would be half seen). SQLite: a deferred transaction is a
        // read transaction whose WAL snapshot is fixed at the first read; the default (BEGIN IMMEDIATE) would also hold
        // the write lock and stall the producer's commits for as long as the reload takes.
        await using var tx = backend == StorageBackend.Sqlite
            ? ((SqliteConnection)c).BeginTransaction(deferred: true)
            : await c.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var state = new LedgerState();
        await using (var cmd = Command(c, tx, "SELECT address, idx, balance, nonce FROM ledger_accounts ORDER BY idx"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                state.Load(r.GetInt32(1), new Address((byte[])r[0]), new AccountState(Wei.Parse(r.GetString(2)), (ulong)r.GetInt64(3)));
        if (BetweenReloadReadsForTests is { } between) await between(ct);
        await using (var cmd = Command(c, tx, "SELECT idx, kind, data FROM ledger_objects ORDER BY idx"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                state.Market.Load(r.GetInt32(0), MarketObjects.Decode((MarketObjectKind)Convert.ToByte(r[1], System.Globalization.CultureInfo.InvariantCulture), (byte[])r[2]));
        BlockHeader? head;
        await using (var cmd = Command(c, tx, "SELECT header FROM ledger_blocks ORDER BY height DESC LIMIT 1"))
            head = await cmd.ExecuteScalarAsync(ct) is byte[] b ? BlockHeader.Decode(b) : null;
        await tx.CommitAsync(ct);
        if (head is null) throw new InvalidOperationException("the ledger has no genesis block: call InitializeAsync first");
        // The state must be the one the head commits to; anything else would be built on and sealed into new blocks.
        var root = state.StateRoot();
        if (root != head.StateRoot) throw new StateRootMismatchException(head, root);
        return (state, head);
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

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, int offset, int limit, CancellationToken ct = default) =>
        QueryTxsAsync(SelectTx + " WHERE height = @h AND idx >= @o ORDER BY idx LIMIT @n", ct, ("@h", height), ("@o", offset), ("@n", limit));

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

    // ---- marketplace reads ----

    private const string SelectObject = "SELECT idx, updated_height, kind, data FROM ledger_objects";

    private static StoredObject ReadObject(DbDataReader r) =>
        new(r.GetInt32(0), r.GetInt64(1), MarketObjects.Decode((MarketObjectKind)Convert.ToByte(r[2], System.Globalization.CultureInfo.InvariantCulture), (byte[])r[3]));

    public async Task<StoredObject?> GetObjectAsync(Hash32 id, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, SelectObject + " WHERE id = @id", ("@id", id.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadObject(r) : null;
    }

    public async Task<IReadOnlyList<StoredObject>> QueryObjectsAsync(ObjectQuery q, CancellationToken ct = default)
    {
        var where = new List<string> { "kind = @kind" };
        var ps = new List<(string, object?)> { ("@kind", (int)q.Kind) };
        if (q.Parent is { } parent) { where.Add("parent = @parent"); ps.Add(("@parent", parent.ToArray())); }
        if (q.Party is { } party) { where.Add("party = @party"); ps.Add(("@party", party.ToArray())); }
        if (q.Status is { } status) { where.Add("status = @status"); ps.Add(("@status", status)); }
        if (q.AfterIndex is { } after) { where.Add(q.Descending ? "idx < @after" : "idx > @after"); ps.Add(("@after", after)); }
        ps.Add(("@limit", Math.Clamp(q.Limit, 1, 1000)));
        var sql = $"{SelectObject} WHERE {string.Join(" AND ", where)} ORDER BY idx {(q.Descending ? "DESC" : "ASC")} LIMIT @limit";
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, [.. ps]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredObject>();
        while (await r.ReadAsync(ct)) list.Add(ReadObject(r));
        return list;
    }

    public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery q, CancellationToken ct = default)
    {
        var where = new List<string>();
        var ps = new List<(string, object?)>();
        if (q.Party is { } party) { where.Add("e.party = @party"); ps.Add(("@party", party.ToArray())); }
        if (q.Datanet is { } datanet) { where.Add("e.datanet = @datanet"); ps.Add(("@datanet", datanet.ToArray())); }
        if (q.Model is { } model) { where.Add("e.model = @model"); ps.Add(("@model", model.ToArray())); }
        if (q.Subject is { } subject) { where.Add("e.subject = @subject"); ps.Add(("@subject", subject.ToArray())); }
        // The datanet and model indexes leave reward credits out (see Ledger.sql); saying so lets the planner use them.
        if (q.Datanet is not null || q.Model is not null) where.Add($"e.kind <> {(int)MarketEventKind.RewardCredited}");
        if (q.Kinds is { Count: > 0 } kinds) where.Add($"e.kind IN ({string.Join(",", kinds.Select(k => ((int)k).ToString(System.Globalization.CultureInfo.InvariantCulture)))})");
        if (q.BeforeHeight is { } bh)
        {
            where.Add("(e.height < @bh OR (e.height = @bh AND e.seq < @bs))");
            ps.Add(("@bh", bh)); ps.Add(("@bs", q.BeforeSeq));
        }
        ps.Add(("@limit", Math.Clamp(q.Limit, 1, 1000)));
        var sql = "SELECT e.height, e.seq, b.timestamp_ms, e.kind, e.tx_index, e.tx_hash, e.subject, e.party, e.amount, e.datanet, e.model, e.contribution, e.inference, e.detail " +
            "FROM ledger_events e JOIN ledger_blocks b ON b.height = e.height" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY e.height DESC, e.seq DESC LIMIT @limit";
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, [.. ps]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredEvent>();
        while (await r.ReadAsync(ct))
        {
            Hash32? H(int i) => r.IsDBNull(i) ? null : new Hash32((byte[])r[i]);
            var e = new MarketEvent(
                (MarketEventKind)Convert.ToByte(r[3], System.Globalization.CultureInfo.InvariantCulture), r.GetInt32(4), new Hash32((byte[])r[5]), new Hash32((byte[])r[6]),
                r.IsDBNull(7) ? null : new Address((byte[])r[7]), r.IsDBNull(8) ? null : Wei.Parse(r.GetString(8)),
                H(9), H(10), H(11), H(12), r.IsDBNull(13) ? null : r.GetString(13));
            list.Add(new StoredEvent(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), e));
        }
        return list;
    }
}
