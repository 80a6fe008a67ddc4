using System.Text;
using Npgsql;
using OpenLedger.Core.Content;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Content;

/// <summary>The content store on a real PostgreSQL server (one fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresContentStoreTests(PostgresServerFixture pg) : ContentStoreContract
{
    private readonly Dictionary<SqlContentStore, string> _connections = new(ReferenceEqualityComparer.Instance);

    protected override async Task<SqlContentStore> NewStoreAsync(string name, long maxBytes = SqlContentStore.DefaultMaxBytes)
    {
        var conn = await pg.CreateDatabaseAsync(name + "_pg");
        var store = new SqlContentStore(StorageBackend.PostgreSql, conn, maxBytes);
        _connections[store] = conn;
        return store;
    }

    protected override SqlContentStore SameDatabase(SqlContentStore store)
    {
        var other = new SqlContentStore(StorageBackend.PostgreSql, _connections[store]);
        _connections[other] = _connections[store];
        return other;
    }

    protected override async Task<long> CountRowsAsync(SqlContentStore store)
    {
        await using var c = new NpgsqlConnection(_connections[store]);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM content_blobs", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_put_that_waits_on_a_concurrent_insert_of_the_same_content_returns_the_committed_row()
    {
        var store = await NewStoreAsync("content_race");
        await store.EnsureSchemaAsync();
        var content = Encoding.UTF8.GetBytes("raced content");
        var digest = ContentHashes.Compute(content);

        // Another silo has inserted the same content and not yet committed.
        await using var other = new NpgsqlConnection(_connections[store]);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO content_blobs (hash, normalized_hash, size, minhash, data, created_ms) VALUES (@h, @n, @s, NULL, @d, 12345)", other, tx))
        {
            insert.Parameters.AddWithValue("h", digest.ContentHash.ToArray());
            insert.Parameters.AddWithValue("n", digest.NormalizedHash.ToArray());
            insert.Parameters.AddWithValue("s", digest.Size);
            insert.Parameters.AddWithValue("d", content);
            await insert.ExecuteNonQueryAsync();
        }

        // The put's ON CONFLICT waits for that transaction; once it commits, the put's statement neither inserted nor
        // saw the row (its snapshot is older), and the store must still return the committed row.
        var put = store.PutAsync(content);
        await Task.Delay(300);
        Assert.False(put.IsCompleted);
        await tx.CommitAsync();
        var info = await put;
        Assert.Equal(digest.ContentHash, info.Hash);
        Assert.Equal(12345, info.CreatedMs);
        Assert.Equal(1, await CountRowsAsync(store));
    }
}
