using Npgsql;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>Cold start of a cluster (issue 16): three nodes preparing one EMPTY PostgreSQL database at the same moment
/// (Orleans tables with membership and reminders, ledger tables and genesis, content table) all succeed, and the
/// database holds one chain with one genesis block. Repeated on fresh databases, since a race shows only sometimes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentSetUpTests(PostgresServerFixture pg)
{
    [Fact]
    public async Task Three_nodes_preparing_an_empty_postgres_database_at_once_all_succeed()
    {
        var chain = new TestChain(accounts: 4);
        for (int run = 0; run < 4; run++)
        {
            var conn = await pg.CreateDatabaseAsync($"cold_start_{run}_{Environment.ProcessId}");
            using var gate = new ManualResetEventSlim();
            var nodes = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                gate.Wait();
                var (ledger, _) = await NodeDatabase.PrepareAsync(StorageBackend.PostgreSql, conn, chain.Rules);
                await using (ledger) return (await ledger.GetHeadAsync())!.Hash;
            })).ToArray();
            gate.Set();
            var heads = await Task.WhenAll(nodes);
            Assert.Single(heads.Distinct());

            await using var c = new NpgsqlConnection(conn);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT (SELECT count(*) FROM ledger_blocks), (SELECT count(*) FROM ledger_meta WHERE key = 'genesis_hash'), " +
                "(SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orleansmembershiptable', 'orleansreminderstable', 'orleansstorage', 'content_blobs', 'ledger_producer'))", c);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(1, r.GetInt64(0));
            Assert.Equal(1, r.GetInt64(1));
            Assert.Equal(5, r.GetInt64(2));
        }
    }
}
