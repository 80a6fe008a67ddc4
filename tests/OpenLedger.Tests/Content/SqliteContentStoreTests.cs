using Microsoft.Data.Sqlite;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Content;

/// <summary>The content store on a real SQLite file in a temporary directory.</summary>
public sealed class SqliteContentStoreTests : ContentStoreContract, IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-content");
    private readonly Dictionary<SqlContentStore, string> _connections = new(ReferenceEqualityComparer.Instance);

    protected override Task<SqlContentStore> NewStoreAsync(string name, long maxBytes = SqlContentStore.DefaultMaxBytes)
    {
        var conn = TestChain.SqliteConnection(Path.Combine(_dir, name));
        var store = new SqlContentStore(StorageBackend.Sqlite, conn, maxBytes);
        _connections[store] = conn;
        return Task.FromResult(store);
    }

    protected override SqlContentStore SameDatabase(SqlContentStore store)
    {
        var other = new SqlContentStore(StorageBackend.Sqlite, _connections[store]);
        _connections[other] = _connections[store];
        return other;
    }

    protected override async Task<long> CountRowsAsync(SqlContentStore store)
    {
        await using var c = new SqliteConnection(_connections[store]);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM content_blobs";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* best effort: a temp directory */ }
    }
}
