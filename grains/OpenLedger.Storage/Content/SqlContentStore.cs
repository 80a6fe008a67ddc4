using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Storage.Content;

/// <summary>
/// The content store in the node's database (table <c>content_blobs</c>), on SQLite or PostgreSQL. A put is one
/// <c>INSERT ... ON CONFLICT (hash) DO NOTHING</c>, so storing the same bytes twice, or from many silos at once, leaves
/// one row and fails nowhere. On PostgreSQL the insert and the read-back of an existing row are one statement: one
/// round trip per put. On SQLite every call takes a pooled connection; all work is in-process (see OpenSqliteAsync
/// for its durability setting).
/// <para>The store only refuses content above <paramref name="maxBytes"/>, a safety limit against runaway memory and
/// rows; callers (GraphQL, CLI) enforce the chain's own, smaller, content size limit.</para>
/// </summary>
public sealed class SqlContentStore(StorageBackend backend, string connectionString, long maxBytes = SqlContentStore.DefaultMaxBytes) : IContentStore
{
    /// <summary>The default safety maximum: 64 MiB. Model Factory keeps adapters here too: a rank-8 adapter on every
    /// projection of GPT-2 small is ~4.7 MB (contributions are held to the chain's much smaller limit by their callers).</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly long _maxBytes = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "must be positive");

    public StorageBackend Backend => backend;

    /// <summary>The largest content <see cref="PutAsync"/> accepts, in bytes.</summary>
    public long MaxBytes => _maxBytes;

    private const string InfoColumns = "hash, normalized_hash, size, minhash, created_ms";

    public Task EnsureSchemaAsync(CancellationToken ct = default) => ContentSchema.EnsureAsync(backend, connectionString, ct);

    public async Task<ContentInfo> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        if (content.Length > _maxBytes) throw new ContentTooLargeException(_maxBytes, content.Length);
        var (digest, minHash) = await ContentAnalysis.AnalyzeAsync(content, ct);
        var row = new PutRow(digest.ContentHash.ToArray(), digest.NormalizedHash.ToArray(), digest.Size,
            minHash is null ? null : MinHash.Encode(minHash), content, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var createdMs = backend == StorageBackend.Sqlite ? await PutSqliteAsync(row, ct) : await PutPostgresAsync(row, ct);
        return new ContentInfo(digest.ContentHash, digest.NormalizedHash, digest.Size, minHash, createdMs);
    }

    private readonly record struct PutRow(byte[] Hash, byte[] NormalizedHash, long Size, byte[]? MinHash, ReadOnlyMemory<byte> Data, long CreatedMs);

    /// <summary>Inserts the row unless its hash is stored, and returns the stored row's created_ms.</summary>
    private async Task<long> PutPostgresAsync(PutRow row, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(ct);
        // The CTE's RETURNING yields the row if this statement inserted it; otherwise the second SELECT reads the one
        // that was already there (a statement does not see its own inserts, so never both).
        await using (var cmd = new NpgsqlCommand(
            "WITH inserted AS (" +
            "INSERT INTO content_blobs (hash, normalized_hash, size, minhash, data, created_ms) " +
            "VALUES (@hash, @normalized, @size, @minhash, @data, @created) ON CONFLICT (hash) DO NOTHING RETURNING created_ms) " +
            "SELECT created_ms FROM inserted UNION ALL SELECT created_ms FROM content_blobs WHERE hash = @hash", c))
        {
            cmd.Parameters.Add(new NpgsqlParameter<byte[]>("hash", NpgsqlDbType.Bytea) { TypedValue = row.Hash });
            cmd.Parameters.Add(new NpgsqlParameter<byte[]>("normalized", NpgsqlDbType.Bytea) { TypedValue = row.NormalizedHash });
            cmd.Parameters.Add(new NpgsqlParameter<long>("size", NpgsqlDbType.Bigint) { TypedValue = row.Size });
            cmd.Parameters.Add(new NpgsqlParameter("minhash", NpgsqlDbType.Bytea) { Value = (object?)row.MinHash ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = row.Data });
            cmd.Parameters.Add(new NpgsqlParameter<long>("created", NpgsqlDbType.Bigint) { TypedValue = row.CreatedMs });
            if (await cmd.ExecuteScalarAsync(ct) is long created) return created;
        }
        // Neither: another session inserted the same hash concurrently and committed after this statement's snapshot
        // was taken (ON CONFLICT waited for it). A new statement sees its row.
        return await ReadCreatedMsAsync(c, row.Hash, ct);
    }

    private async Task<long> PutSqliteAsync(PutRow row, CancellationToken ct)
    {
        await using var c = await OpenSqliteAsync(ct);
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText =
                "INSERT INTO content_blobs (hash, normalized_hash, size, minhash, data, created_ms) " +
                "VALUES (@hash, @normalized, @size, @minhash, @data, @created) ON CONFLICT (hash) DO NOTHING RETURNING created_ms";
            cmd.Parameters.AddWithValue("@hash", row.Hash);
            cmd.Parameters.AddWithValue("@normalized", row.NormalizedHash);
            cmd.Parameters.AddWithValue("@size", row.Size);
            cmd.Parameters.AddWithValue("@minhash", (object?)row.MinHash ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@data", WholeArray(row.Data));
            cmd.Parameters.AddWithValue("@created", row.CreatedMs);
            if (await cmd.ExecuteScalarAsync(ct) is long created) return created;
        }
        // Already stored (SQLite serializes writers, so the existing row is committed and visible).
        return await ReadCreatedMsAsync(c, row.Hash, ct);
    }

    private static async Task<long> ReadCreatedMsAsync(DbConnection c, byte[] hash, CancellationToken ct)
    {
        await using var cmd = Command(c, "SELECT created_ms FROM content_blobs WHERE hash = @hash", hash);
        return await cmd.ExecuteScalarAsync(ct) is long created
            ? created
            : throw new InvalidOperationException($"content {new Hash32(hash)} was neither inserted nor found");
    }

    /// <summary>The array behind <paramref name="memory"/> when it is exactly that, else a copy (SQLite binds arrays).</summary>
    private static byte[] WholeArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    public async Task<ContentInfo?> GetInfoAsync(Hash32 hash, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, $"SELECT {InfoColumns} FROM content_blobs WHERE hash = @hash", hash.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadInfo(r) : null;
    }

    public async Task<byte[]?> GetAsync(Hash32 hash, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, "SELECT data FROM content_blobs WHERE hash = @hash", hash.ToArray());
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }

    public async Task<IReadOnlyDictionary<Hash32, ContentInfo>> GetInfosAsync(IReadOnlyCollection<Hash32> hashes, CancellationToken ct = default)
    {
        var result = new Dictionary<Hash32, ContentInfo>(hashes.Count);
        if (hashes.Count == 0) return result;
        await using var c = await OpenAsync(ct);
        if (backend == StorageBackend.PostgreSql)
        {
            // One round trip for the whole batch.
            await using var cmd = new NpgsqlCommand($"SELECT {InfoColumns} FROM content_blobs WHERE hash = ANY(@hashes)", (NpgsqlConnection)c);
            cmd.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
            {
                TypedValue = hashes.Distinct().Select(h => h.ToArray()).ToArray(),
            });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var info = ReadInfo(r);
                result[info.Hash] = info;
            }
        }
        else
        {
            // In-process: one prepared lookup per hash is as fast as a long IN list, and simpler.
            await using var cmd = Command(c, $"SELECT {InfoColumns} FROM content_blobs WHERE hash = @hash", null);
            foreach (var hash in hashes)
            {
                if (result.ContainsKey(hash)) continue;
                cmd.Parameters[0].Value = hash.ToArray();
                await using var r = await cmd.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct)) result[hash] = ReadInfo(r);
            }
        }
        return result;
    }

    private static ContentInfo ReadInfo(DbDataReader r) => new(
        new Hash32(r.GetFieldValue<byte[]>(0)),
        new Hash32(r.GetFieldValue<byte[]>(1)),
        r.GetInt64(2),
        r.IsDBNull(3) ? null : MinHash.Decode(r.GetFieldValue<byte[]>(3)),
        r.GetInt64(4));

    private static DbCommand Command(DbConnection c, string sql, byte[]? hash)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var p = cmd.CreateParameter();
        p.ParameterName = "@hash";
        p.Value = (object?)hash ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (backend == StorageBackend.Sqlite) return await OpenSqliteAsync(ct);
        var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(ct);
        return c;
    }

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(connectionString);
        await c.OpenAsync(ct);
        // Per connection (pooled connections are shared with the ledger store, which sets its own): concurrent writers
        // wait for each other instead of failing; WAL is a property of the file, set by ContentSchema.
        // synchronous=NORMAL rather than the ledger's FULL: a put is then durable against a process crash but not an OS
        // crash until the write-ahead log is next synced, which roughly triples upload throughput on a disk where an fsync takes milliseconds.
        // No committed block can reference lost content: in the node's database file the block commit (FULL) syncs the
        // one shared log, and with it every upload committed before, which includes every upload that block names
        // (the mempool admits a contribution only once its content is stored). An upload that no block names yet can
        // be lost to a power cut; its contributor uploads it again.
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        await cmd.ExecuteNonQueryAsync(ct);
        return c;
    }
}
