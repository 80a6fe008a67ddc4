using System.Data.Common;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Writes one block's rows (<see cref="LedgerRows.OfBlock"/>) inside the caller's transaction, by its
/// backend's fastest means. The caller owns the transaction: it commits the block whole or not at all.</summary>
internal interface IBlockWriter
{
    Task WriteAsync(DbConnection connection, DbTransaction transaction, ExecutedBlock block, Signature producerSignature, CancellationToken ct);

    static IBlockWriter For(StorageBackend backend) =>
        backend == StorageBackend.Sqlite ? new SqliteBlockWriter() : new PostgresBlockWriter();
}
