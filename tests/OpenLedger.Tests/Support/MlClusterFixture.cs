using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Mempool;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Schema;
using Orleans.TestingHost;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Support;

/// <summary>A real two-silo Orleans cluster on a real SQLite file where the primary silo runs the ledger without the
/// ML grains and the secondary (and any silo started later) has the ML role, so placement must send Model Factory and
/// OpenLoRA grains to the ML silo, and the ML silo can be stopped and replaced while the ledger keeps running. Checkpoints go to the node's database (table ml_checkpoints), where a replacement ML silo finds them.</summary>
public sealed class MlClusterFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 12, blockIntervalMs: 100);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-ml-cluster");
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public LedgerNode Node { get; private set; } = null!;
    public SqlContentStore Content { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    public string JobsDirectory => Path.Combine(DataDirectory, "jobs");
    /// <summary>The node's database: Model Factory's checkpoints are in its <c>ml_checkpoints</c> table.</summary>
    public OpenLedger.Storage.Checkpoints.SqlTrainingCheckpoints Checkpoints { get; private set; } = null!;

    /// <summary>The silo started without the ML role.</summary>
    public const string LedgerOnlySilo = "Silo_0";

    public async Task InitializeAsync()
    {
        var conn = TestChain.SqliteConnection(DataDirectory);
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, conn, includeClusteringAndReminders: false);
        var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        await store.InitializeAsync(Chain.Rules);
        Content = new SqlContentStore(StorageBackend.Sqlite, conn);
        await Content.EnsureSchemaAsync();
        Checkpoints = new OpenLedger.Storage.Checkpoints.SqlTrainingCheckpoints(StorageBackend.Sqlite, conn);
        Node = new LedgerNode(Chain.Rules, store, Chain.ProducerKey, new MempoolOptions(), content: Content);
        var builder = new InProcessTestClusterBuilder(2)
            .WithClusterTls();
        builder.Options.AssumeHomogenousSilosForTesting = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddOpenLedger(Node, StorageBackend.Sqlite, conn);
            if (options.SiloName == LedgerOnlySilo) silo.WithoutMl();
            // Failed inferences are retried after 2 s (a node waits a minute), so a test sees within seconds whether
            // an inference is retried. The ML silo also attributes and settles served inferences with the dev
            // attribution operator's key, looking again after 5 s at what it published and is not settled yet.
            else silo.AddOpenLedgerMl(new MlOptions(JobsDirectory, Chain.ServingOperator, BaseModelDirectory: TestBaseModel.Directory, PollInterval: TimeSpan.FromMilliseconds(300), TrainingThreads: 1,
                MaxActiveJobs: 3, RetryFailedAfter: TimeSpan.FromSeconds(2), AttributionKey: Chain.AttributionOperator, ResettleAfter: TimeSpan.FromSeconds(5)));
        });
        builder.ConfigureClient(client => client.AddOpenLedgerStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        // The client learns which silo hosts which grain types from the cluster manifest, which reaches it shortly
        // after start: until then the ML grains (on one silo only) have "no implementation" for it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await Client.GetGrain<IModelFactoryGrain>(0).ListAsync(1);
                break;
            }
            catch (ArgumentException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Signs with the sender's next nonce (pending included), submits and waits for a successful commit.</summary>
    public async Task<Hash32> CommitAsync(PrivateKey key, ITxBody body)
    {
        var nonce = (await Client.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
        var tx = new Transaction(Chain.Rules.ChainId, key.Address, nonce, Chain.GasPrice, body).Sign(key);
        var submitted = (await Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
        Assert.True(submitted.Accepted, $"{body.Kind}: {submitted.ErrorCode}: {submitted.Message}");
        var view = await Client.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.Equal("None", view.ErrorCode ?? "None");
        return tx.Hash;
    }

    /// <summary>A text-label datanet owned by <paramref name="owner"/> with the examples contributed, approved and
    /// published as version 1; its id.</summary>
    public async Task<Hash32> PublishedDatanetAsync(PrivateKey owner, string name, IReadOnlyList<TaskExample> examples)
    {
        var datanet = await CommitAsync(owner, new CreateDatanet(name, "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []));
        var contributions = new List<Hash32>();
        foreach (var example in examples)
        {
            var put = await Client.GetGrain<IContentGrain>(0).PutAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example));
            Assert.True(put.Ok, put.Message);
            contributions.Add(await CommitAsync(owner, new Contribute(datanet, put.Content!.Hash, put.Content.NormalizedHash, (ulong)put.Content.Size)));
        }
        foreach (var c in contributions) await CommitAsync(owner, new Curate(c, true, ""));
        await CommitAsync(owner, new PublishVersion(datanet));
        return datanet;
    }
}

[CollectionDefinition("ml-cluster")]
public sealed class MlClusterCollection : ICollectionFixture<MlClusterFixture>;
