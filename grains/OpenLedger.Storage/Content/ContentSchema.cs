using OpenLedger.Storage.Schema;

namespace OpenLedger.Storage.Content;

/// <summary>The content store's table script (Schema/*/Content.sql), applied at start-up.</summary>
public static class ContentSchema
{
    // Not LedgerSchema's key: the two scripts may be applied at the same time by different silos.
    private const long AdvisoryLockKey = 0x4F70656E436F6E74; // "OpenCont"

    public static string Script(StorageBackend backend) => TableScript.Read(backend, "Content");

    public static Task EnsureAsync(StorageBackend backend, string connectionString, CancellationToken ct = default) =>
        TableScript.ApplyAsync(backend, connectionString, "Content", AdvisoryLockKey, ct);
}
