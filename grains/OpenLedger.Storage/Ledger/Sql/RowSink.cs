namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Where a block's rows of one table go, value by value in the table's column order: a backend's fast path
/// (<see cref="SqliteBlockWriter"/> binds a prepared statement, <see cref="PostgresBlockWriter"/> fills arrays).
/// Every value is checked against its column's declared type and nullability, so a row writer that gives values in
/// the wrong order or count fails on its first row, on either backend, instead of storing shifted data.</summary>
internal abstract class RowSink(LedgerTable table)
{
    private int _column;

    public LedgerTable Table => table;

    /// <summary>A byte string the sink copies before the caller's span is reused.</summary>
    public void Bytes(ReadOnlySpan<byte> value) => PutBytes(Next(ColumnType.Bytes), value);

    /// <summary>A byte string the caller hands over (no copy needed).</summary>
    public void Bytes(byte[] value) => PutBytes(Next(ColumnType.Bytes), value);

    /// <summary>An integer, stored at the column's width (a value that does not fit is a bug and throws).</summary>
    public void Integer(long value)
    {
        var column = Next(null);
        if (column.Type is ColumnType.Bytes or ColumnType.Text) throw Mismatch(column, "an integer");
        PutInteger(column, value);
    }

    public void Text(string value) => PutText(Next(ColumnType.Text), value);

    public void Null()
    {
        var column = Next(null);
        if (!column.Nullable) throw Mismatch(column, "null");
        PutNull(column);
    }

    /// <summary>Ends the row; every column must have had its value.</summary>
    public void EndRow()
    {
        if (_column != table.Columns.Count)
            throw new InvalidOperationException($"{table.Name}: a row of {_column} values for {table.Columns.Count} columns");
        _column = 0;
        RowDone();
    }

    private LedgerColumn Next(ColumnType? expected)
    {
        if (_column == table.Columns.Count) throw new InvalidOperationException($"{table.Name}: more values than its {table.Columns.Count} columns");
        var column = table.Columns[_column];
        if (expected is { } t && column.Type != t) throw Mismatch(column, t.ToString());
        _column++;
        return column;
    }

    private InvalidOperationException Mismatch(LedgerColumn column, string given) =>
        new($"{table.Name}.{column.Name} ({column.Type}{(column.Nullable ? ", nullable" : "")}) given {given}");

    /// <summary>The column's 0-based position in the row being written.</summary>
    protected int Position => _column - 1;

    protected abstract void PutBytes(LedgerColumn column, ReadOnlySpan<byte> value);
    protected virtual void PutBytes(LedgerColumn column, byte[] value) => PutBytes(column, value.AsSpan());
    protected abstract void PutInteger(LedgerColumn column, long value);
    protected abstract void PutText(LedgerColumn column, string value);
    protected abstract void PutNull(LedgerColumn column);
    protected abstract void RowDone();
}
