using NpgsqlTypes;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>The kinds of value the ledger's tables hold. Integers have widths because PostgreSQL's columns do (the
/// unnest arrays must be of the column's own type); SQLite stores every width as INTEGER.</summary>
internal enum ColumnType { Bytes, SmallInt, Integer, BigInt, Text }

/// <summary>One column of a ledger table, as both backends' schema files declare it.</summary>
internal sealed record LedgerColumn(string Name, ColumnType Type, bool Nullable = false)
{
    /// <summary>The declared type in Schema/Sqlite/Ledger.sql.</summary>
    public string SqliteType => Type switch
    {
        ColumnType.Bytes => "BLOB",
        ColumnType.Text => "TEXT",
        _ => "INTEGER",
    };

    /// <summary>The type in Schema/PostgreSql/Ledger.sql, as information_schema names it.</summary>
    public string PostgresType => Type switch
    {
        ColumnType.Bytes => "bytea",
        ColumnType.SmallInt => "smallint",
        ColumnType.Integer => "integer",
        ColumnType.BigInt => "bigint",
        _ => "text",
    };

    /// <summary>The array type a block's values of this column are sent to PostgreSQL as.</summary>
    public NpgsqlDbType PostgresArrayType => NpgsqlDbType.Array | Type switch
    {
        ColumnType.Bytes => NpgsqlDbType.Bytea,
        ColumnType.SmallInt => NpgsqlDbType.Smallint,
        ColumnType.Integer => NpgsqlDbType.Integer,
        ColumnType.BigInt => NpgsqlDbType.Bigint,
        _ => NpgsqlDbType.Text,
    };
}
