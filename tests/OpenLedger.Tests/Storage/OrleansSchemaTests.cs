using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenLedger.Storage;
using OpenLedger.Storage.Schema;
using OpenLedger.Tests.Support;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Storage;

/// <summary>
/// This project's schema scripts against Orleans' real ADO.NET providers: a real SQLite file, a real PostgreSQL
/// server, real silos.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSchemaTests(PostgresServerFixture postgres) : IDisposable
{
    private static readonly string[] PersistenceKeys = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly string[] ClusteringKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    private static readonly string[] ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("openledger-schema-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Schema_applies_twice_on_sqlite_and_leaves_the_file_in_wal_mode()
    {
        var connectionString = SqliteConnectionString("twice.db");

        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, connectionString, includeClusteringAndReminders: false);
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, connectionString, includeClusteringAndReminders: false);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(PersistenceKeys.Order(), await QueryKeysAsync(connection));
        Assert.Equal("wal", await ScalarAsync<string>(connection, "PRAGMA journal_mode;"));
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM OrleansStorage;"));
    }

    [Fact]
    public async Task Two_installs_at_once_on_a_fresh_sqlite_file_both_succeed()
    {
        var connectionString = SqliteConnectionString(Path.Combine("nested", "concurrent.db"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, connectionString, includeClusteringAndReminders: false))));

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(PersistenceKeys.Order(), await QueryKeysAsync(connection));
    }

    [Fact]
    public async Task Sqlite_has_no_clustering_or_reminder_schema()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, SqliteConnectionString("nope.db"), includeClusteringAndReminders: true));
    }

    [Fact]
    public async Task Schema_applies_twice_on_postgres_with_clustering_and_reminders()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_twice");

        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, connectionString, includeClusteringAndReminders: true);
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, connectionString, includeClusteringAndReminders: true);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(PersistenceKeys.Concat(ClusteringKeys).Concat(ReminderKeys).Order(), await QueryKeysAsync(connection));
    }

    [Fact]
    public async Task Two_silos_installing_at_once_on_a_fresh_postgres_database_both_succeed()
    {
        var connectionString = await postgres.CreateDatabaseAsync("schema_concurrent");

        // Both start before either has created anything: without the advisory lock, concurrent CREATE TABLE IF NOT
        // EXISTS of the same table fails one of them on pg_type's unique index.
        using var gate = new ManualResetEventSlim();
        var installs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, connectionString, includeClusteringAndReminders: true);
        })).ToArray();
        gate.Set();
        await Task.WhenAll(installs);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(PersistenceKeys.Concat(ClusteringKeys).Concat(ReminderKeys).Order(), await QueryKeysAsync(connection));
    }

    [Fact]
    public async Task Grain_state_survives_a_silo_restart_on_a_sqlite_file_and_is_stored_as_json()
    {
        var connectionString = SqliteConnectionString("grains.db");
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, connectionString, includeClusteringAndReminders: false);

        await GrainStateSurvivesRestartAsync(StorageBackend.Sqlite, connectionString, () => new SqliteConnection(connectionString));
    }

    [Fact]
    public async Task Grain_state_survives_a_silo_restart_on_postgres_and_is_stored_as_json()
    {
        var connectionString = await postgres.CreateDatabaseAsync("grain_state");
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, connectionString, includeClusteringAndReminders: false);

        await GrainStateSurvivesRestartAsync(StorageBackend.PostgreSql, connectionString, () => new NpgsqlConnection(connectionString));
    }

    [Theory]
    [InlineData(StorageBackend.Sqlite)]
    [InlineData(StorageBackend.PostgreSql)]
    public async Task A_write_with_a_stale_etag_or_a_second_first_write_is_rejected(StorageBackend backend)
    {
        var connectionString = backend == StorageBackend.Sqlite
            ? SqliteConnectionString("etag.db")
            : await postgres.CreateDatabaseAsync("etag");
        await OrleansSchemaInstaller.EnsureAsync(backend, connectionString, includeClusteringAndReminders: false);

        await using var cluster = await StartClusterAsync("etag-" + Guid.NewGuid().ToString("N"), backend, connectionString);
        var storage = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(SchemaProbeGrain.StorageName);
        var grainId = GrainId.Create("schemaprobe", "etag-probe");
        const string grainType = "OpenLedger.Tests.Storage.SchemaProbeGrain";

        var first = new GrainState<SchemaProbeState> { State = new SchemaProbeState("first", 1) };
        await storage.WriteStateAsync(grainType, grainId, first);
        Assert.Equal("1", first.ETag);

        // Another activation that also believes nothing is stored yet.
        var rival = new GrainState<SchemaProbeState> { State = new SchemaProbeState("rival", 2) };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, rival));

        var stale = new GrainState<SchemaProbeState> { State = new SchemaProbeState("stale", 3), ETag = "1" };
        first.State = new SchemaProbeState("second", 2);
        await storage.WriteStateAsync(grainType, grainId, first);
        Assert.Equal("2", first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(grainType, grainId, stale));

        var read = new GrainState<SchemaProbeState>();
        await storage.ReadStateAsync(grainType, grainId, read);
        Assert.Equal(new SchemaProbeState("second", 2), read.State);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);

        await storage.ClearStateAsync(grainType, grainId, read);
        Assert.Equal("3", read.ETag);
        Assert.False(read.RecordExists);

        var afterClear = new GrainState<SchemaProbeState>();
        await storage.ReadStateAsync(grainType, grainId, afterClear);
        Assert.False(afterClear.RecordExists);
        Assert.Equal("3", afterClear.ETag);
        afterClear.State = new SchemaProbeState("reborn", 4);
        await storage.WriteStateAsync(grainType, grainId, afterClear);
        Assert.Equal("4", afterClear.ETag);
    }

    [Fact]
    public async Task Silos_with_postgres_clustering_form_a_cluster_that_a_client_can_call()
    {
        var connectionString = await postgres.CreateDatabaseAsync("clustering");
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, connectionString, includeClusteringAndReminders: true);
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];

        using var silo1 = await StartPostgresSiloAsync(connectionString, clusterId);
        using var silo2 = await StartPostgresSiloAsync(connectionString, clusterId);

        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        clientBuilder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "openledger-tests"));
            client.UseOpenLedgerPostgresClustering(connectionString);
        });
        using (var clientHost = clientBuilder.Build())
        {
            await clientHost.StartAsync();
            var client = clientHost.Services.GetRequiredService<IClusterClient>();

            for (var i = 0; i < 8; i++)
            {
                var probe = client.GetGrain<INumberedSchemaProbeGrain>(i);
                await probe.Set(new SchemaProbeState("member", i));
                Assert.Equal(new SchemaProbeState("member", i), await probe.Get());
            }
            await clientHost.StopAsync();
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(2L, await ScalarAsync<long>(connection,
                $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' AND Status = 3 AND ProxyPort > 0"));
        }

        // A graceful stop is written back through UpdateMembershipKey: the row turns Dead (6).
        await silo2.StopAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(1L, await ScalarAsync<long>(connection,
                $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' AND Status = 6"));
        }

        // The reminder table, through Orleans' own provider: upsert, the point and range reads, delete by ETag.
        var reminders = silo1.Services.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("schemaprobe", "reminded");
        var etag = await reminders.UpsertRow(new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = "wake",
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromMinutes(5),
        });
        Assert.NotNull(etag);
        var row = await reminders.ReadRow(grainId, "wake");
        Assert.NotNull(row);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Single((await reminders.ReadRows(grainId)).Reminders);
        var hash = grainId.GetUniformHashCode();
        Assert.Single((await reminders.ReadRows(hash - 1, hash)).Reminders);
        Assert.Single((await reminders.ReadRows(0, 0)).Reminders);
        var staleEtag = (int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(await reminders.RemoveRow(grainId, "wake", staleEtag));
        Assert.True(await reminders.RemoveRow(grainId, "wake", etag));
        Assert.Null(await reminders.ReadRow(grainId, "wake"));

        await silo1.StopAsync();
    }

    private async Task GrainStateSurvivesRestartAsync(StorageBackend backend, string connectionString, Func<DbConnection> openDatabase)
    {
        var serviceId = "restart-" + Guid.NewGuid().ToString("N");

        await using (var cluster = await StartClusterAsync(serviceId, backend, connectionString))
        {
            await cluster.Client.GetGrain<ISchemaProbeGrain>("alice").Set(new SchemaProbeState("hello, ledger", 42));
            await cluster.Client.GetGrain<INumberedSchemaProbeGrain>(7).Set(new SchemaProbeState("seven", 7));
            var bob = cluster.Client.GetGrain<ISchemaProbeGrain>("bob");
            await bob.Set(new SchemaProbeState("gone soon", 1));
            await bob.Clear();
            await cluster.StopAllSilosAsync();
        }

        var payloads = await ReadPayloadsAsync(openDatabase, serviceId);
        Assert.Equal(3, payloads.Count);
        var alice = payloads["alice"];
        Assert.NotNull(alice);
        Assert.Contains("\"label\"", alice);
        Assert.DoesNotContain("$type", alice);
        using (var json = JsonDocument.Parse(alice))
        {
            Assert.Equal("hello, ledger", json.RootElement.GetProperty("label").GetString());
            Assert.Equal(42, json.RootElement.GetProperty("count").GetInt64());
        }
        Assert.Contains("\"seven\"", payloads[""]);
        Assert.Null(payloads["bob"]);

        await using (var cluster = await StartClusterAsync(serviceId, backend, connectionString))
        {
            var alice2 = cluster.Client.GetGrain<ISchemaProbeGrain>("alice");
            Assert.Equal(new SchemaProbeState("hello, ledger", 42), await alice2.Get());
            Assert.Equal(new SchemaProbeState("seven", 7), await cluster.Client.GetGrain<INumberedSchemaProbeGrain>(7).Get());
            Assert.Null(await cluster.Client.GetGrain<ISchemaProbeGrain>("bob").Get());

            // The reloaded ETag is current: the next write goes through.
            await alice2.Set(new SchemaProbeState("hello again", 43));
            Assert.Equal(new SchemaProbeState("hello again", 43), await alice2.Get());
            await cluster.StopAllSilosAsync();
        }
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(string serviceId, StorageBackend backend, string connectionString)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddOpenLedgerGrainStorage(SchemaProbeGrain.StorageName, backend, connectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task<IHost> StartPostgresSiloAsync(string connectionString, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "openledger-tests"));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreeTcpPort(), FreeTcpPort());
            silo.UseOpenLedgerPostgresClustering(connectionString);
            silo.UseOpenLedgerPostgresReminders(connectionString);
            silo.AddOpenLedgerGrainStorage(SchemaProbeGrain.StorageName, StorageBackend.PostgreSql, connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>PayloadJson of every row of the service, keyed by the grain key's string part ('' for integer keys).</summary>
    private static async Task<Dictionary<string, string?>> ReadPayloadsAsync(Func<DbConnection> openDatabase, string serviceId)
    {
        await using var connection = openDatabase();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT GrainIdExtensionString, PayloadJson FROM OrleansStorage WHERE ServiceId = @serviceId";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "serviceId";
        parameter.Value = serviceId;
        command.Parameters.Add(parameter);
        var payloads = new Dictionary<string, string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            payloads.Add(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }
        return payloads;
    }

    private static async Task<string[]> QueryKeysAsync(DbConnection connection) =>
        [.. (await QueryAsync(connection, "SELECT QueryKey FROM OrleansQuery", r => r.GetString(0))).Order()];

    private static async Task<List<T>> QueryAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> map)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    private static async Task<T> ScalarAsync<T>(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string SqliteConnectionString(string file) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, file) }.ConnectionString;

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
