using Microsoft.Data.Sqlite;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Converts a SQLite ledger whose transactions are keyed by hash (the layout before block-order storage)
/// to the current one, keyed by (height, idx) with a unique hash index: same columns, same rows. Runs at start-up
/// after the table script, in one immediate transaction, so a crash midway leaves the old table as it was and the next
/// start converts it again. A database already in block order (or new) is left alone: the check is one pragma read.</summary>
internal static class SqliteTransactionsLayout
{
    private const string Previous = "ledger_transactions_by_hash";

    public static async Task MigrateAsync(string connectionString, CancellationToken ct)
    {
        await using var c = new SqliteConnection(connectionString);
        await c.OpenAsync(ct);
        await ExecAsync(c, "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; BEGIN IMMEDIATE;", ct);
        try
        {
            if (!await IsHashKeyedAsync(c, ct))
            {
                await ExecAsync(c, "COMMIT;", ct);
                return;
            }
            // The old table keeps its indexes' names when renamed: drop them so the script creates the new table's.
            // The columns are the same, in the same order, so the rows copy as they are, in block order.
            await ExecAsync(c,
                $"ALTER TABLE ledger_transactions RENAME TO {Previous};" +
                "DROP INDEX IF EXISTS ix_ledger_transactions_block;" +
                "DROP INDEX IF EXISTS ix_ledger_transactions_sender;" +
                "DROP INDEX IF EXISTS ix_ledger_transactions_recipient;" +
                LedgerSchema.Script(StorageBackend.Sqlite) +
                $"INSERT INTO ledger_transactions SELECT * FROM {Previous} ORDER BY height, idx;" +
                $"DROP TABLE {Previous};" +
                "COMMIT;", ct);
        }
        catch
        {
            // Closing the connection would roll back too; done here so that the lock is released at once. An error
            // that already ended the transaction makes this ROLLBACK fail: the original error is the one to report.
            try { await ExecAsync(c, "ROLLBACK;", CancellationToken.None); }
            catch (SqliteException) { }
            throw;
        }
    }

    /// <summary>Whether ledger_transactions' primary key is its hash column (false when the table does not exist).</summary>
    public static async Task<bool> IsHashKeyedAsync(SqliteConnection c, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('ledger_transactions') WHERE pk > 0 ORDER BY pk)";
        return await cmd.ExecuteScalarAsync(ct) is "hash";
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
