using Orleans.TestingHost;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Mempool;
using OpenLedger.Core.Money;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Cli;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Schema;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>The block producer under an execution fault (a bug in a rule, simulated through the node's test-only
/// seam): the executor has already applied part of the block to the producer's in-memory state when it faults.
/// A real Orleans cluster on a real SQLite file, its own, as the seam belongs to its node.</summary>
public sealed class ProducerFaultTests : IAsyncLifetime
{
    private readonly TestChain _chain = new(accounts: 8, blockIntervalMs: 100);
    private readonly string _dir = TestChain.TempDirectory("openledger-fault");
    private InProcessTestCluster _cluster = null!;
    private LedgerNode _node = null!;
    private SqlLedgerStore _store = null!;

    public async Task InitializeAsync()
    {
        var conn = TestChain.SqliteConnection(_dir);
        await OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, conn, includeClusteringAndReminders: false);
        _store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        await _store.InitializeAsync(_chain.Rules);
        _node = new LedgerNode(_chain.Rules, _store, _chain.ProducerKey, new MempoolOptions());
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddOpenLedger(_node, StorageBackend.Sqlite, conn));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _store.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private IClusterClient Client => _cluster.Client;

    private Task<TransactionView> WaitAsync(Hash32 hash) =>
        Client.GetGrain<ITransactionGrain>(GrainKeys.Of(hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20));

    private Task<AccountView> AccountAsync(Address a) => Client.GetGrain<IAccountGrain>(GrainKeys.Of(a)).GetAsync();

    [Fact]
    public async Task A_fault_midway_through_a_block_discards_its_changes_drops_the_culprit_and_the_next_block_commits()
    {
        var to = PrivateKey.Derive("producer fault", "to").Address;
        var senders = _chain.Keys.Take(8).ToList();
        var before = await Task.WhenAll(senders.Select(k => AccountAsync(k.Address)));
        var txs = senders.Select(k => _chain.Transfer(k, to, Wei.FromOpen(1), 0)).ToList();
        var culprit = txs[5]; // five transfers are applied to the producer's state before it faults
        var faults = 0;
        _node.ExecutionFaultForTests = tx =>
        {
            if (tx.Hash == culprit.Hash && Interlocked.Increment(ref faults) == 1) throw new InvalidOperationException("injected execution fault");
        };

        var results = await Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(txs.Select(t => t.Encode()).ToList());
        Assert.All(results, r => Assert.True(r.Accepted, r.Message));

        // Everything but the culprit commits, exactly once, in the block after the fault.
        var others = txs.Where(t => t != culprit).ToList();
        var views = await Task.WhenAll(others.Select(t => WaitAsync(t.Hash)));
        Assert.All(views, v => Assert.Equal(TxStatus.Committed, v.Status));
        Assert.Equal(1, faults);
        Assert.Equal(TxStatus.Unknown, (await Client.GetGrain<ITransactionGrain>(GrainKeys.Of(culprit.Hash)).GetAsync()).Status);
        Assert.Equal(Wei.FromOpen(7), (await AccountAsync(to)).Balance);
        for (int i = 0; i < senders.Count; i++)
        {
            var after = await AccountAsync(senders[i].Address);
            if (txs[i] == culprit) Assert.Equal((before[i].Balance, 0UL), (after.Balance, after.Nonce));
            else Assert.Equal((before[i].Balance - Wei.FromOpen(1) - views[others.IndexOf(txs[i])].Fee!.Value, 1UL), (after.Balance, after.Nonce));
        }

        // The producer keeps producing: the culprit, sent again, commits.
        Assert.True((await Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([culprit.Encode()]))[0].Accepted);
        Assert.Equal(TxStatus.Committed, (await WaitAsync(culprit.Hash)).Status);
        Assert.Equal(Wei.FromOpen(8), (await AccountAsync(to)).Balance);

        // Every block sealed, before and after the fault, replays from genesis to the same state roots: the producer
        // never built on half-applied state.
        var replay = await VerifyCommand.VerifyAsync(_chain.Rules, _store);
        Assert.True(replay.Ok, replay.ToString());
        Assert.Equal(8, replay.TransactionsChecked);
    }
}
