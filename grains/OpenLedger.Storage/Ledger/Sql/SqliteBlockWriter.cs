using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>SQLite runs in-process, so the cost of a row is the library's own work plus the managed wrapper's. The rows
/// are written with SQLite's C API on the transaction's own connection: each table's statement prepared once per
/// block, bound by position from spans (no parameter-name lookups, no per-row reader object, no per-row byte arrays).</summary>
internal sealed class SqliteBlockWriter : IBlockWriter
{
    public Task WriteAsync(DbConnection connection, DbTransaction transaction, ExecutedBlock block, Signature producerSignature, CancellationToken ct)
    {
        // The transaction is the connection's own: SQLite has one per connection, and the C API writes inside it.
        var db = ((SqliteConnection)connection).Handle!;
        foreach (var rows in LedgerRows.OfBlock)
        {
            if (rows.Count(block) == 0) continue;
            using var sink = new Sink(db, rows.Table);
            rows.Write(sink, block, producerSignature);
        }
        return Task.CompletedTask;
    }

    /// <summary>Binds each value to the prepared statement's next position; a row ends with a step and a reset.</summary>
    private sealed class Sink : RowSink, IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _stmt;

        public Sink(sqlite3 db, LedgerTable table) : base(table)
        {
            _db = db;
            Check(db, raw.sqlite3_prepare_v2(db, table.SqliteInsert, out _stmt));
        }

        private int Index => Position + 1; // SQLite's parameters count from 1

        protected override void PutBytes(LedgerColumn column, ReadOnlySpan<byte> value) => Check(_db, raw.sqlite3_bind_blob(_stmt, Index, value));
        protected override void PutInteger(LedgerColumn column, long value) => Check(_db, raw.sqlite3_bind_int64(_stmt, Index, value));
        protected override void PutText(LedgerColumn column, string value) => Check(_db, raw.sqlite3_bind_text(_stmt, Index, value));
        protected override void PutNull(LedgerColumn column) => Check(_db, raw.sqlite3_bind_null(_stmt, Index));

        protected override void RowDone()
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            Check(_db, raw.sqlite3_reset(_stmt));
        }

        public void Dispose() => _stmt.Dispose();

        private static void Check(sqlite3 db, int rc)
        {
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
