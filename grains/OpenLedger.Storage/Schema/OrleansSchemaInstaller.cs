using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OpenLedger.Storage.Schema;

/// <summary>
/// Creates the tables and the <c>OrleansQuery</c> rows that Orleans' ADO.NET providers need, from the scripts
/// embedded beside this class. Safe to run at every start, and by several silos at once.
/// </summary>
public static class OrleansSchemaInstaller
{
    /// <summary>
    /// The advisory-lock key that serialises schema installs on one PostgreSQL database
    /// (advisory locks are scoped to the current database). Any constant works; this one spells "OLSCHEMA".
    /// </summary>
    private const long PostgresSchemaLockKey = 0x4F4C_5343_4845_4D41;

    /// <summary>How long SQLite waits for another writer before giving up.</summary>
    private static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Applies the grain-storage schema (and, on PostgreSQL, the membership and reminder schemas) to the database.
    /// </summary>
    /// <param name="backend">Which database the connection string points at.</param>
    /// <param name="connectionString">An ADO.NET connection string for Microsoft.Data.Sqlite or Npgsql.</param>
    /// <param name="includeClusteringAndReminders">
    /// Also install the cluster membership and reminder tables (PostgreSQL only: the embedded SQLite node uses
    /// localhost clustering).
    /// </param>
    /// <param name="ct">Cancels the install; the transaction then rolls back.</param>
    public static Task EnsureAsync(
        StorageBackend backend,
        string connectionString,
        bool includeClusteringAndReminders,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return backend switch
        {
            StorageBackend.Sqlite when includeClusteringAndReminders => throw new ArgumentException(
                "Clustering and reminder tables exist only for PostgreSQL; an embedded SQLite node uses localhost clustering.",
                nameof(includeClusteringAndReminders)),
            StorageBackend.Sqlite => EnsureSqliteAsync(connectionString, ct),
            StorageBackend.PostgreSql => EnsurePostgresAsync(connectionString, includeClusteringAndReminders, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown storage backend."),
        };
    }

    /// <summary>The names of the scripts <see cref="EnsureAsync"/> applies, in order.</summary>
    public static IReadOnlyList<string> ScriptsFor(StorageBackend backend, bool includeClusteringAndReminders) => backend switch
    {
        StorageBackend.Sqlite => ["Sqlite/OrleansPersistence.sql"],
        StorageBackend.PostgreSql when includeClusteringAndReminders =>
            ["PostgreSql/OrleansPersistence.sql", "PostgreSql/OrleansClustering.sql", "PostgreSql/OrleansReminders.sql"],
        StorageBackend.PostgreSql => ["PostgreSql/OrleansPersistence.sql"],
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown storage backend."),
    };

    /// <summary>The text of one embedded script, e.g. <c>PostgreSql/OrleansClustering.sql</c>.</summary>
    public static string ReadScript(string name)
    {
        var assembly = typeof(OrleansSchemaInstaller).Assembly;
        // MSBuild names an embedded resource <RootNamespace>.<folders joined by dots>.<file name>.
        var suffix = ".Schema." + name.Replace('/', '.').Replace('\\', '.');
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Embedded schema script '{name}' not found in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task EnsureSqliteAsync(string connectionString, CancellationToken ct)
    {
        CreateSqliteDirectory(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        // WAL lets readers run beside the one writer, and it is a property of the file, so it holds for the grain
        // storage provider's own connections too. Neither pragma may run inside a transaction.
        await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {(int)SqliteBusyTimeout.TotalMilliseconds};", ct).ConfigureAwait(false);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await pragma.ExecuteScalarAsync(ct).ConfigureAwait(false);
            // An in-memory database answers "memory": there is no file to put in WAL mode.
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "memory", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL journal mode (journal_mode is '{mode}').");
            }
        }

        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken before the first statement, so a second
        // process installing at the same moment waits (busy timeout) instead of failing half-way.
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var script in ScriptsFor(StorageBackend.Sqlite, includeClusteringAndReminders: false))
        {
            await ExecuteAsync(connection, transaction, ReadScript(script), ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task EnsurePostgresAsync(string connectionString, bool includeClusteringAndReminders, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE of the same object (both pass the check,
        // one fails on the catalog's unique index). The transaction-scoped advisory lock makes a second silo wait
        // here until the first one's DDL has committed; its own run then finds everything in place.
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresSchemaLockKey});", ct).ConfigureAwait(false);
        foreach (var script in ScriptsFor(StorageBackend.PostgreSql, includeClusteringAndReminders))
        {
            await ExecuteAsync(connection, transaction, ReadScript(script), ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 120;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void CreateSqliteDirectory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource)
            || builder.DataSource == ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
