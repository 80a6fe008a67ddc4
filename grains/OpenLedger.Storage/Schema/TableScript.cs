using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpenLedger.Storage.Schema;

/// <summary>Applies one of this project's own table scripts (Schema/{Sqlite,PostgreSql}/NAME.sql, embedded) at start-up.
/// The scripts are idempotent (CREATE ... IF NOT EXISTS). SQLite applies them in one immediate transaction; PostgreSQL
/// under a transaction-scoped advisory lock, so silos starting at once do not race on CREATE.</summary>
public static class TableScript
{
    public static string Read(StorageBackend backend, string name)
    {
        var resource = $"OpenLedger.Storage.Schema.{(backend == StorageBackend.Sqlite ? "Sqlite" : "PostgreSql")}.{name}.sql";
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"missing resource {resource}");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    /// <param name="advisoryLockKey">PostgreSQL advisory lock taken while the script runs; one key per script, because two
    /// scripts may be applied at the same time by different silos.</param>
    public static async Task ApplyAsync(StorageBackend backend, string connectionString, string name, long advisoryLockKey, CancellationToken ct = default)
    {
        var script = Read(backend, name);
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
            await using (var lk = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({advisoryLockKey})", c, tx)) await lk.ExecuteNonQueryAsync(ct);
            await using (var cmd = new NpgsqlCommand(script, c, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
    }
}
