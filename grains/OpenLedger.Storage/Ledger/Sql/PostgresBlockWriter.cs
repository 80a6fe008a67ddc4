using System.Data.Common;
using Npgsql;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>PostgreSQL is a round trip away, so a block's rows of each table go as one statement: one array per column,
/// turned back into rows by unnest on the server (<see cref="LedgerTable.PostgresUnnestInsert"/>).</summary>
internal sealed class PostgresBlockWriter : IBlockWriter
{
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, ExecutedBlock block, Signature producerSignature, CancellationToken ct)
    {
        foreach (var rows in LedgerRows.OfBlock)
        {
            var n = rows.Count(block);
            if (n == 0) continue;
            var sink = new Sink(rows.Table, n);
            rows.Write(sink, block, producerSignature);
            await using var cmd = new NpgsqlCommand(rows.Table.PostgresUnnestInsert, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            sink.AddParameters(cmd);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Fills one typed array per column (the column's own type, so unnest yields it without casts).</summary>
    private sealed class Sink : RowSink
    {
        private readonly Array[] _columns;
        private int _row;

        public Sink(LedgerTable table, int rows) : base(table)
        {
            // A null is left as the array's default, which is null only for arrays of references.
            if (table.Columns.FirstOrDefault(c => c.Nullable && c.Type is not (ColumnType.Bytes or ColumnType.Text)) is { } column)
                throw new InvalidOperationException($"{table.Name}.{column.Name}: a nullable integer column needs nullable arrays here");
            _columns = table.Columns.Select(c => (Array)(c.Type switch
            {
                ColumnType.Bytes => new byte[]?[rows],
                ColumnType.SmallInt => new short[rows],
                ColumnType.Integer => new int[rows],
                ColumnType.BigInt => new long[rows],
                _ => new string?[rows],
            })).ToArray();
        }

        protected override void PutBytes(LedgerColumn column, ReadOnlySpan<byte> value) => ((byte[]?[])_columns[Position])[_row] = value.ToArray();
        protected override void PutBytes(LedgerColumn column, byte[] value) => ((byte[]?[])_columns[Position])[_row] = value;
        protected override void PutText(LedgerColumn column, string value) => ((string?[])_columns[Position])[_row] = value;

        protected override void PutInteger(LedgerColumn column, long value)
        {
            switch (column.Type)
            {
                case ColumnType.SmallInt: ((short[])_columns[Position])[_row] = checked((short)value); break;
                case ColumnType.Integer: ((int[])_columns[Position])[_row] = checked((int)value); break;
                default: ((long[])_columns[Position])[_row] = value; break;
            }
        }

        // The arrays of nullable columns (bytes and text only, checked above) start as nulls.
        protected override void PutNull(LedgerColumn column) { }

        protected override void RowDone() => _row++;

        public void AddParameters(NpgsqlCommand cmd)
        {
            for (int i = 0; i < _columns.Length; i++)
            {
                var column = Table.Columns[i];
                cmd.Parameters.Add(new NpgsqlParameter(column.Name, column.PostgresArrayType) { Value = _columns[i] });
            }
        }
    }
}
