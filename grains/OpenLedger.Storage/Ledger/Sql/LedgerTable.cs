namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>A ledger table's name and columns, from which its statements are generated (once, here), so that a column
/// is named in one place for both backends. <c>conflictKey</c> makes the insert an upsert that overwrites
/// <c>updatedOnConflict</c> (the state tables: an account or object changed again in a later block).</summary>
internal sealed class LedgerTable
{
    public LedgerTable(string name, IReadOnlyList<LedgerColumn> columns, string? conflictKey = null, IReadOnlyList<string>? updatedOnConflict = null)
    {
        Name = name;
        Columns = columns;
        var list = string.Join(", ", columns.Select(c => c.Name));
        var onConflict = conflictKey is null ? "" :
            $" ON CONFLICT ({conflictKey}) DO UPDATE SET {string.Join(", ", updatedOnConflict!.Select(c => $"{c} = excluded.{c}"))}";
        Select = $"SELECT {list} FROM {name}";
        SqliteInsert = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => $"?{i + 1}"))}){onConflict}";
        NamedInsert = $"INSERT INTO {name} ({list}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))}){onConflict}";
        PostgresUnnestInsert = $"INSERT INTO {name} ({list}) SELECT * FROM unnest({string.Join(", ", columns.Select(c => "@" + c.Name))}){onConflict}";
    }

    public string Name { get; }
    public IReadOnlyList<LedgerColumn> Columns { get; }

    /// <summary>Every column, in table order: the ordinals the readers use.</summary>
    public string Select { get; }

    /// <summary>One row, bound by position (?1..?n) in column order: SQLite's prepared statement.</summary>
    public string SqliteInsert { get; }

    /// <summary>One row, bound by name (@column): for the few rows written outside a block.</summary>
    public string NamedInsert { get; }

    /// <summary>Many rows in one statement, one array parameter per column (named after it): PostgreSQL's unnest takes
    /// the arrays side by side as rows, so a block's rows of a table cost one round trip.</summary>
    public string PostgresUnnestInsert { get; }
}
