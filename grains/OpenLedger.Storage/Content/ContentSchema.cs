using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpenLedger.Storage.Content;

/// <summary>Applies the content store's table script (Schema/*/Content.sql) at start-up. Idempotent; on PostgreSQL it
/// runs under a transaction-scoped advisory lock so silos starting at once do not race on CREATE.</summary>
public static class ContentSchema
{
    // Not LedgerSchema's key: the two scripts may be applied at the same time by different silos.
    private const long AdvisoryLockKey = 0x4F70656E436F6E74; // "OpenCont"

    public static string Script(StorageBackend backend)
    {
        var name = $"OpenLedger.Storage.Schema.{(backend == StorageBackend.Sqlite ? "Sqlite" : "PostgreSql")}.Content.sql";
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"missing resource {name}");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    public static async Task EnsureAsync(StorageBackend backend, string connectionString, CancellationToken ct = default)
    {
        var script = Script(backend);
        if (backend == StorageBackend.Sqlite)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource));
            if (dir is not null) Directory.CreateDirectory(dir);
            await using var c = new SqliteConnection(connectionString);
            await c.OpenAsync(ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; BEGIN IMMEDIATE;" + script + "COMMIT;";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        else
        {
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            await using (var lk = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", c, tx)) await lk.ExecuteNonQueryAsync(ct);
            await using (var cmd = new NpgsqlCommand(script, c, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
    }
}
