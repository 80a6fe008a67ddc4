namespace OpenLedger.Storage;

/// <summary>The database a node keeps its state in: an embedded SQLite file, or a shared PostgreSQL server.</summary>
public enum StorageBackend
{
    /// <summary>One silo, one SQLite file (the embedded default).</summary>
    Sqlite,

    /// <summary>A cluster of silos sharing one PostgreSQL database (grain state, membership; the reminder tables are
    /// installed but no grain uses reminders).</summary>
    PostgreSql,
}

/// <summary>The ADO.NET invariant names Orleans' providers expect for each <see cref="StorageBackend"/>.</summary>
public static class StorageBackendNames
{
    /// <summary>
    /// Orleans' invariant for SQLite. Orleans 10.4 knows SQLite only under the name <c>System.Data.SQLite</c>,
    /// and under that name it loads <c>Microsoft.Data.Sqlite.SqliteFactory</c> from the Microsoft.Data.Sqlite
    /// package (there is no System.Data.SQLite package involved). The name <c>Microsoft.Data.Sqlite</c> itself
    /// is rejected by the providers ("invariant name not supported").
    /// </summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>Orleans' invariant for PostgreSQL (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>The invariant to give Orleans' ADO.NET providers for <paramref name="backend"/>.</summary>
    public static string Invariant(this StorageBackend backend) => backend switch
    {
        StorageBackend.Sqlite => SqliteInvariant,
        StorageBackend.PostgreSql => PostgresInvariant,
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown storage backend."),
    };
}
