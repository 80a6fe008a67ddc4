using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Opens the ledger's connections with the settings every one of them needs, and builds commands. Each read
/// opens its own (pooled) connection, so reads run beside the producer's commits.</summary>
internal sealed class LedgerConnections(StorageBackend backend, string connectionString)
{
    public StorageBackend Backend => backend;
    public string ConnectionString => connectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
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

    public static async Task ExecAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] ps)
    {
        await using var cmd = Command(c, tx, sql, ps);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A command with named parameters (a null value is sent as SQL NULL).</summary>
    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] ps)
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
}
