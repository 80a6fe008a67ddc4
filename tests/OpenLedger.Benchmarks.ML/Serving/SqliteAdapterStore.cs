using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpenLedger.Core.Crypto;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>The node's content store on a real SQLite file in a temporary directory: where a node finds the
/// artifacts of the adapters registered on chain, so the adapter cache's just-in-time loads here read what a node
/// reads (a pooled connection, one SELECT by hash, the blob copied into a byte array). Every fetch is timed, so the
/// cold-load table can split a load into the store's share and the cache's (hash check and parse).</summary>
public sealed class SqliteAdapterStore : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _keep;
    private readonly ConcurrentDictionary<Hash32, double> _fetchMilliseconds = new();

    private SqliteAdapterStore(string directory, SqlContentStore store, bool keep)
    {
        _directory = directory;
        Store = store;
        _keep = keep;
    }

    public SqlContentStore Store { get; }

    public string DatabasePath => Path.Combine(_directory, "openledger.db");

    public static async Task<SqliteAdapterStore> CreateAsync(bool keep)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"openledger-bench-serving-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        // The same connection string the node's tests use: a pooled connection per call, as in production.
        var connection = $"Data Source={Path.Combine(directory, "openledger.db")};Pooling=True;Default Timeout=30";
        var store = new SqlContentStore(StorageBackend.Sqlite, connection);
        await store.EnsureSchemaAsync();
        return new SqliteAdapterStore(directory, store, keep);
    }

    /// <summary>Stores an artifact and returns its hash, which is the adapter's id (the content store and the
    /// adapter cache both use keccak256 of the bytes; checked here so a mismatch fails before measuring).</summary>
    public async Task<Hash32> PutAsync(byte[] artifact)
    {
        var info = await Store.PutAsync(artifact);
        var expected = OpenLedger.ML.SafeTensors.SafeTensorsFile.Hash(artifact);
        if (info.Hash != expected) throw new InvalidOperationException($"the store hashed an artifact to {info.Hash}, the cache expects {expected}");
        return expected;
    }

    /// <summary>The <see cref="OpenLedger.ML.Serving.AdapterCache"/> loader: the artifact by hash, timed.</summary>
    public async Task<byte[]> LoadAsync(Hash32 id, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var bytes = await Store.GetAsync(id, cancellationToken) ?? throw new FileNotFoundException($"no adapter {id} in the content store");
        _fetchMilliseconds[id] = clock.Elapsed.TotalMilliseconds;
        return bytes;
    }

    /// <summary>The last fetch time of <paramref name="id"/> from the store.</summary>
    public double FetchMilliseconds(Hash32 id) => _fetchMilliseconds.TryGetValue(id, out var ms) ? ms : double.NaN;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_keep) Console.WriteLine($"kept the adapter store: {DatabasePath}");
        else
        {
            try { Directory.Delete(_directory, recursive: true); }
            catch (IOException e) { Console.Error.WriteLine($"could not delete {_directory}: {e.Message}"); }
        }
        return ValueTask.CompletedTask;
    }
}
