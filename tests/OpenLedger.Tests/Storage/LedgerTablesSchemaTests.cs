using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Ledger.Sql;
using OpenLedger.Tests.Support;
using Xunit;

namespace OpenLedger.Tests.Storage;

/// <summary>The ledger's columns are named once in code (<see cref="LedgerTables"/>) and twice in the schema files
/// (Schema/Sqlite/Ledger.sql, Schema/PostgreSql/Ledger.sql): each backend's real database, created from its file,
/// must hold exactly the tables and columns the code writes, in the same order, types and nullability.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LedgerTablesSchemaTests(PostgresServerFixture pg) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("openledger-tables-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static IEnumerable<string> Expected(LedgerTable t, Func<LedgerColumn, string> type) =>
        t.Columns.Select(c => $"{t.Name}.{c.Name} {type(c)}{(c.Nullable ? " null" : "")}");

    [Fact]
    public async Task Sqlite_schema_file_creates_exactly_the_tables_and_columns_the_store_writes()
    {
        var conn = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "ledger.db") }.ConnectionString;
        await LedgerSchema.EnsureAsync(StorageBackend.Sqlite, conn);
        await using var c = new SqliteConnection(conn);
        await c.OpenAsync();

        Assert.Equal(LedgerTables.All.Select(t => t.Name).Order(StringComparer.Ordinal),
            await ReadAsync(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ledger\\_%' ESCAPE '\\' ORDER BY name", r => r.GetString(0)));
        foreach (var table in LedgerTables.All)
        {
            // A primary key column is NOT NULL in effect (the store never writes null there) even where SQLite does not say so.
            var actual = await ReadAsync(c, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table.Name}') ORDER BY cid",
                r => $"{table.Name}.{r.GetString(0)} {r.GetString(1)}{(r.GetInt64(2) == 0 && r.GetInt64(3) == 0 ? " null" : "")}");
            Assert.Equal(Expected(table, col => col.SqliteType), actual);
        }
    }

    [Fact]
    public async Task Postgres_schema_file_creates_exactly_the_tables_and_columns_the_store_writes()
    {
        var conn = await pg.CreateDatabaseAsync("ledger_tables_schema");
        await LedgerSchema.EnsureAsync(StorageBackend.PostgreSql, conn);
        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();

        Assert.Equal(LedgerTables.All.Select(t => t.Name).Order(StringComparer.Ordinal),
            await ReadAsync(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'ledger\\_%' ORDER BY table_name COLLATE \"C\"",
                r => r.GetString(0)));
        foreach (var table in LedgerTables.All)
        {
            var actual = await ReadAsync(c,
                $"SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table.Name}' ORDER BY ordinal_position",
                r => $"{table.Name}.{r.GetString(0)} {r.GetString(1)}{(r.GetString(2) == "YES" ? " null" : "")}");
            Assert.Equal(Expected(table, col => col.PostgresType), actual);
        }
    }

    private static async Task<List<string>> ReadAsync(DbConnection c, string sql, Func<DbDataReader, string> row)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(row(r));
        return list;
    }
}
