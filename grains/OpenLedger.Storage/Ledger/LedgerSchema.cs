using OpenLedger.Storage.Schema;

namespace OpenLedger.Storage.Ledger;

/// <summary>The ledger's table script (Schema/*/Ledger.sql), applied at start-up.</summary>
public static class LedgerSchema
{
    private const long AdvisoryLockKey = 0x4F70656E4C656467; // "OpenLedg"

    public static string Script(StorageBackend backend) => TableScript.Read(backend, "Ledger");

    public static Task EnsureAsync(StorageBackend backend, string connectionString, CancellationToken ct = default) =>
        TableScript.ApplyAsync(backend, connectionString, "Ledger", AdvisoryLockKey, ct);
}
