using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.TestingHost;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Mempool;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Schema;
using OpenLedger.Tests.Support;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Storage;

/// <summary>The ledger on a real PostgreSQL server: the same grains and store code as the embedded node, chosen by configuration.</summary>
[Collection(PostgresCollection.Name)]
public class PostgresLedgerTests(PostgresServerFixture pg)
{
    internal static async Task<InProcessTestCluster> StartClusterAsync(TestChain chain, string conn)
    {
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.PostgreSql, conn, includeClusteringAndReminders: false);
        var store = new SqlLedgerStore(StorageBackend.PostgreSql, conn);
        await store.InitializeAsync(chain.Rules);
        var node = new LedgerNode(chain.Rules, store, chain.ProducerKey, new MempoolOptions());
        var builder = new InProcessTestClusterBuilder(1)
            .WithClusterTls();
        builder.ConfigureSilo((_, silo) => silo.AddOpenLedger(node, StorageBackend.PostgreSql, conn));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    internal static async Task<TransactionView> TransferAsync(IClusterClient client, TestChain chain, PrivateKey from, Address to, Wei amount)
    {
        var nonce = (await client.GetGrain<IAccountGrain>(GrainKeys.Of(from.Address)).GetAsync()).NextNonce;
        var tx = chain.Transfer(from, to, amount, nonce);
        var r = (await client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
        Assert.True(r.Accepted, r.Message);
        return await client.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Blocks_commit_to_PostgreSQL_replay_verifies_and_a_restarted_cluster_resumes()
    {
        var conn = await pg.CreateDatabaseAsync("ledger_resume");
        var chain = new TestChain(accounts: 4, blockIntervalMs: 100);
        var to = PrivateKey.Derive("pg", "to").Address;

        await using (var cluster = await StartClusterAsync(chain, conn))
        {
            for (int i = 0; i < 3; i++)
                Assert.Equal(TxStatus.Committed, (await TransferAsync(cluster.Client, chain, chain.Keys[i], to, Wei.FromOpen(1))).Status);
        }

        var store = new SqlLedgerStore(StorageBackend.PostgreSql, conn);
        var verified = await VerifyCommand.VerifyAsync(chain.Rules, store);
        Assert.True(verified.Ok, verified.FirstMismatch);
        Assert.Equal(3, verified.TransactionsChecked);

        // A second start on the same database: schemas re-applied idempotently, state resumes from the last block.
        await using (var cluster = await StartClusterAsync(chain, conn))
        {
            Assert.Equal(Wei.FromOpen(3), (await cluster.Client.GetGrain<IAccountGrain>(GrainKeys.Of(to)).GetAsync()).Balance);
            var v = await TransferAsync(cluster.Client, chain, chain.Keys[0], to, Wei.FromOpen(1));
            Assert.Equal(TxStatus.Committed, v.Status);
            Assert.Equal(1UL, v.Nonce);
        }
        Assert.True((await VerifyCommand.VerifyAsync(chain.Rules, store)).Ok);

        // Block, receipts and accounts are in the ledger tables of that database.
        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT (SELECT count(*) FROM ledger_transactions), (SELECT count(*) FROM ledger_accounts)", c);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(4L, r.GetInt64(0));
        Assert.Equal(8L, r.GetInt64(1)); // 4 dev accounts + 2 marketplace operators + producer + recipient
    }

    [Fact]
    public async Task A_database_holding_another_chain_is_refused()
    {
        var conn = await pg.CreateDatabaseAsync("ledger_other_chain");
        await new SqlLedgerStore(StorageBackend.PostgreSql, conn).InitializeAsync(new TestChain(chainId: 1).Rules);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SqlLedgerStore(StorageBackend.PostgreSql, conn).InitializeAsync(new TestChain(chainId: 2).Rules));
        Assert.Contains("holds the chain with genesis", e.Message);
    }

    [Fact]
    public async Task A_node_configured_for_PostgreSQL_clusters_through_it_and_serves_clients()
    {
        var conn = await pg.CreateDatabaseAsync("ledger_node");
        var dir = TestChain.TempDirectory("openledger-pgnode");
        var chain = new TestChain(accounts: 3, blockIntervalMs: 100);
        var genesisPath = Path.Combine(dir, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, chain.Genesis.ToJson());
        // --cluster-address: the Orleans ports bind to and advertise the one address named (a second loopback address
        // here, standing in for a LAN interface), never the wildcard.
        var clusterAddress = System.Net.IPAddress.Parse("127.0.0.2");
        var settings = new NodeSettings(StorageBackend.PostgreSql, conn, dir, genesisPath, FreePorts.Next(), FreePorts.Next(), null, false, 10_000, FreePorts.Next())
        {
            ClusterAddress = clusterAddress,
        };

        await using (var node = await InProcessNode.StartAsync(settings))
        {
            Assert.NotNull(node.Ledger?.ProducerKey); // derived from the dev seed
            var silo = node.Host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>();
            Assert.Equal(clusterAddress, silo.SiloAddress.Endpoint.Address);
            Assert.Equal(clusterAddress, silo.GatewayAddress!.Endpoint.Address);
            foreach (var port in new[] { settings.SiloPort, settings.GatewayPort })
            {
                var bound = Security.ListeningAddressTests.ListeningSockets().Where(s => s.Port == port).Select(s => s.Address).ToList();
                Assert.True(bound.Count > 0 && bound.All(a => a.Equals(clusterAddress)), $"port {port} listens on [{string.Join(", ", bound)}], not on {clusterAddress} only");
            }
            // The client finds the gateway through the membership table in PostgreSQL, not a fixed port.
            using var client = await NodeClient.ConnectAsync(settings with { GatewayPort = 1 });
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var v = await TransferAsync(grains, chain, chain.Keys[0], chain.Keys[1].Address, Wei.FromOpen(2));
            Assert.Equal(TxStatus.Committed, v.Status);
            await client.StopAsync();
        }
        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable", c);
        Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 1);
    }
}
