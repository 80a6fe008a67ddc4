using OpenLedger.Storage.Ledger.Sql;
using OpenLedger.Storage.Schema;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger's table script (Schema/*/Ledger.sql), applied at start-up, then the conversion of an older
/// SQLite layout (<see cref="SqliteTransactionsLayout"/>; PostgreSQL's tables have kept theirs).</summary>
public static class LedgerSchema
{
    private const long AdvisoryLockKey = 0x4F70656E4C656467; // "OpenLedg"

    public static string Script(StorageBackend backend) => TableScript.Read(backend, "Ledger");

    public static async Task EnsureAsync(StorageBackend backend, string connectionString, CancellationToken ct = default)
    {
        await TableScript.ApplyAsync(backend, connectionString, "Ledger", AdvisoryLockKey, ct);
        if (backend == StorageBackend.Sqlite) await SqliteTransactionsLayout.MigrateAsync(connectionString, ct);
    }
}
