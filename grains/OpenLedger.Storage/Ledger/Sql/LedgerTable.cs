namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>A ledger table's name and columns, from which its statements are generated, so that a column is named in
/// one place for both backends. <paramref name="conflictKey"/> makes the insert an upsert that overwrites
/// <paramref name="updatedOnConflict"/> (the state tables: an account or object changed again in a later block).</summary>
internal sealed class LedgerTable(string name, IReadOnlyList<LedgerColumn> columns, string? conflictKey = null, IReadOnlyList<string>? updatedOnConflict = null)
{
    public string Name => name;
    public IReadOnlyList<LedgerColumn> Columns => columns;

    private string ColumnList => string.Join(", ", columns.Select(c => c.Name));

    private string OnConflict => conflictKey is null ? "" :
        $" ON CONFLICT ({conflictKey}) DO UPDATE SET {string.Join(", ", updatedOnConflict!.Select(c => $"{c} = excluded.{c}"))}";

    /// <summary>Every column, in table order: the ordinals the readers use.</summary>
    public string Select => $"SELECT {ColumnList} FROM {name}";

    /// <summary>One row, bound by position (?1..?n) in column order: SQLite's prepared statement.</summary>
    public string SqliteInsert =>
        $"INSERT INTO {name} ({ColumnList}) VALUES ({string.Join(", ", columns.Select((_, i) => $"?{i + 1}"))}){OnConflict}";

    /// <summary>One row, bound by name (@column): for the few rows written outside a block.</summary>
    public string NamedInsert =>
        $"INSERT INTO {name} ({ColumnList}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))}){OnConflict}";

    /// <summary>Many rows in one statement, one array parameter per column (named after it): PostgreSQL's unnest takes
    /// the arrays side by side as rows, so a block's rows of a table cost one round trip.</summary>
    public string PostgresUnnestInsert =>
        $"INSERT INTO {name} ({ColumnList}) SELECT * FROM unnest({string.Join(", ", columns.Select(c => "@" + c.Name))}){OnConflict}";
}
