using OpenLedger.Core.Genesis;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Schema;

namespace OpenLedger.Silo.Hosting;

/// <summary>What a node does to its database before its silo starts: the Orleans tables (and, on PostgreSQL, the
/// membership and reminder tables), the ledger's tables and genesis block, the content table. Every step is safe when
/// several nodes of a cluster start at once against one empty PostgreSQL database (each takes its own advisory lock).</summary>
public static class NodeDatabase
{
    public static async Task<(SqlLedgerStore Ledger, SqlContentStore Content)> PrepareAsync(StorageBackend backend, string connectionString, ChainRules rules, CancellationToken ct = default)
    {
        await OrleansSchemaInstaller.EnsureAsync(backend, connectionString, includeClusteringAndReminders: backend == StorageBackend.PostgreSql, ct);
        var store = new SqlLedgerStore(backend, connectionString);
        await store.InitializeAsync(rules, ct);
        // Contribution content lives in the same database, so every silo of a cluster reads the same content.
        var content = new SqlContentStore(backend, connectionString);
        await content.EnsureSchemaAsync(ct);
        return (store, content);
    }
}
