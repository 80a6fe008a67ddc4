using Orleans.TestingHost;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Mempool;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Schema;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Support;

/// <summary>A real Orleans cluster (InProcessTestCluster, one silo) running the ledger on a real SQLite file.
/// Shared by the tests of a collection; each test uses its own accounts or reads deltas, so they do not interfere
/// (keys 0-9: ledger tests, 10-19: marketplace tests, 30-39: ethers tests).</summary>
public class LedgerClusterFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 40, blockIntervalMs: 100);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-cluster");
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public LedgerNode Node { get; private set; } = null!;
    public SqlLedgerStore Store { get; private set; } = null!;
    public SqlContentStore Content { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    protected virtual StorageBackend Backend => StorageBackend.Sqlite;
    protected virtual Task<string> ConnectionStringAsync() => Task.FromResult(TestChain.SqliteConnection(DataDirectory));

    public async Task InitializeAsync()
    {
        var conn = await ConnectionStringAsync();
        await OrleansSchemaInstaller.EnsureAsync(Backend, conn, includeClusteringAndReminders: false);
        Store = new SqlLedgerStore(Backend, conn);
        await Store.InitializeAsync(Chain.Rules);
        Content = new SqlContentStore(Backend, conn);
        await Content.EnsureSchemaAsync();
        Node = new LedgerNode(Chain.Rules, Store, Chain.ProducerKey, new MempoolOptions(Capacity: 50_000, MaxPerSender: 2_000, MaxNonceGap: 64),
            content: Content);
        var builder = new InProcessTestClusterBuilder(1)
            .WithClusterTls();
        builder.ConfigureSilo((_, silo) => silo.AddOpenLedger(Node, Backend, conn));
        builder.ConfigureClient(client => client.AddOpenLedgerStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    public ITransactionIntakeGrain Intake => Client.GetGrain<ITransactionIntakeGrain>(0);

    public async Task<SubmitResult> SubmitAsync(byte[] raw) => (await Intake.SubmitAsync([raw]))[0];

    public Task<TransactionView> WaitAsync(Hash32 hash, int seconds = 20) =>
        Client.GetGrain<ITransactionGrain>(GrainKeys.Of(hash)).WaitForCommitAsync(TimeSpan.FromSeconds(seconds));

    public Task<AccountView> AccountAsync(Address a) => Client.GetGrain<IAccountGrain>(GrainKeys.Of(a)).GetAsync();

    public async Task<Wei> BalanceAsync(Address a) => (await AccountAsync(a)).Balance;
}

[CollectionDefinition("ledger-cluster")]
public sealed class LedgerClusterCollection : ICollectionFixture<LedgerClusterFixture>;
