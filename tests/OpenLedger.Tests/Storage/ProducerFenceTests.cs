using Microsoft.Data.Sqlite;
using Npgsql;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Silo.Cli;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>The producer epoch (issue 16): every producer activation claims a new epoch, and a fenced block commit
/// checks inside its own transaction that its epoch is still the current one. Two producers over one database (two
/// store instances, as two silos would have), on a real SQLite file and a real PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProducerFenceTests(PostgresServerFixture pg) : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-fence");
    private static int _databases;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<StorageBackend> Backends => new() { StorageBackend.Sqlite, StorageBackend.PostgreSql };

    private async Task<string> DatabaseAsync(StorageBackend backend)
    {
        var n = Interlocked.Increment(ref _databases);
        return backend == StorageBackend.Sqlite
            ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, $"ledger{n}.db") }.ConnectionString
            : await pg.CreateDatabaseAsync($"producer_fence_{n}_{Environment.ProcessId}");
    }

    /// <summary>One producer over its own store instance: its claimed epoch and the state it builds on.</summary>
    private sealed class Producer(TestChain chain, SqlLedgerStore store, string name) : IAsyncDisposable
    {
        public SqlLedgerStore Store => store;
        public long Epoch { get; private set; }
        private LedgerState _state = null!;
        private BlockHeader _head = null!;

        /// <summary>What an activation does: claim, then load the committed state.</summary>
        public async Task TakeOverAsync()
        {
            Epoch = await store.ClaimProducerEpochAsync(name);
            (_state, _head) = await store.LoadStateAsync();
        }

        /// <summary>Executes the next block on this producer's state (not yet committed).</summary>
        public ExecutedBlock Build(PrivateKey from, Address to, ulong nonce, ulong amountOpen = 1)
        {
            var t = chain.Transfer(from, to, Wei.FromOpen(amountOpen), nonce);
            Assert.False(TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v).IsError);
            var block = BlockExecutor.Execute(_state, chain.Rules, _head, _head.TimestampMs + 1000, [v!]);
            _head = block.Header;
            return block;
        }

        public Task CommitAsync(ExecutedBlock block) => store.CommitBlockAsync(block, chain.ProducerKey.Sign(block.Header.Hash), Epoch);

        public ValueTask DisposeAsync() => store.DisposeAsync();
    }

    private static async Task<Producer> StartAsync(TestChain chain, StorageBackend backend, string conn, string name)
    {
        var store = new SqlLedgerStore(backend, conn);
        await store.InitializeAsync(chain.Rules);
        return new Producer(chain, store, name);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Each_claim_gets_the_next_epoch_and_only_the_current_one_commits(StorageBackend backend)
    {
        var chain = new TestChain(accounts: 4);
        var conn = await DatabaseAsync(backend);
        await using var a = await StartAsync(chain, backend, conn, "a");
        await using var b = await StartAsync(chain, backend, conn, "b");
        var k = chain.Keys;

        Assert.Null(await a.Store.GetProducerEpochAsync());
        await a.TakeOverAsync();
        Assert.Equal(1, a.Epoch);
        Assert.Equal(1, await b.Store.GetProducerEpochAsync());

        // The current epoch commits, block after block, without changing the epoch.
        await a.CommitAsync(a.Build(k[0], k[1].Address, 0));
        await a.CommitAsync(a.Build(k[0], k[1].Address, 1));
        Assert.Equal(1, await a.Store.GetProducerEpochAsync());

        await b.TakeOverAsync();
        Assert.Equal(2, b.Epoch);
        await b.TakeOverAsync();
        Assert.Equal(3, b.Epoch);

        // An epoch never claimed (ahead of the current one) is fenced as well as a superseded one.
        var ahead = b.Build(k[0], k[1].Address, 2);
        var e = await Assert.ThrowsAsync<ProducerFencedException>(() =>
            b.Store.CommitBlockAsync(ahead, chain.ProducerKey.Sign(ahead.Header.Hash), b.Epoch + 1));
        Assert.Equal("ProducerFenced", e.Code);
        Assert.Equal(3, e.CurrentEpoch);
        Assert.Equal(3, e.Height);
        Assert.Equal(2, (await a.Store.GetHeadAsync())!.Height);

        await b.CommitAsync(ahead);
        Assert.Equal(3, (await a.Store.GetHeadAsync())!.Height);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_paused_producer_that_wakes_after_its_successor_took_over_cannot_commit_the_same_height(StorageBackend backend)
    {
        var chain = new TestChain(accounts: 4);
        var conn = await DatabaseAsync(backend);
        await using var older = await StartAsync(chain, backend, conn, "older silo");
        await using var newer = await StartAsync(chain, backend, conn, "newer silo");
        var k = chain.Keys;

        await older.TakeOverAsync();
        await older.CommitAsync(older.Build(k[0], k[1].Address, 0));
        // The older producer seals block 2 and is paused before committing it; meanwhile the newer one takes over,
        // builds its own block 2 from the committed state and commits it.
        var stale = older.Build(k[0], k[1].Address, 1, amountOpen: 7);
        await newer.TakeOverAsync();
        var fresh = newer.Build(k[2], k[3].Address, 0);
        await newer.CommitAsync(fresh);

        // The older one wakes: refused, and nothing of its block is written.
        var e = await Assert.ThrowsAsync<ProducerFencedException>(() => older.CommitAsync(stale));
        Assert.Equal(ProducerFencedException.StableCode, e.Code);
        Assert.Equal(1, e.Epoch);
        Assert.Equal(2, e.CurrentEpoch);
        Assert.Null(await newer.Store.GetTransactionAsync(stale.TransactionHashes[0]));

        // Its next block (height 3, which nobody holds) is refused too: the epoch, not only the height, fences it.
        var next = older.Build(k[0], k[1].Address, 2);
        await Assert.ThrowsAsync<ProducerFencedException>(() => older.CommitAsync(next));

        Assert.Equal(fresh.Header.Hash, (await newer.Store.GetBlockAsync(2))!.Header.Hash);
        Assert.Equal(2, (await newer.Store.GetHeadAsync())!.Height);
        Assert.True((await VerifyCommand.VerifyAsync(chain.Rules, newer.Store)).Ok);
    }

    /// <summary>The same overlap for real: each round a producer commits while its successor claims at the same moment.
    /// Whichever wins, the old producer's block is either committed whole (before the claim) or refused, the successor
    /// builds on what is committed, there is one block per height, and the chain verifies.</summary>
    [Theory, MemberData(nameof(Backends))]
    public async Task Commits_racing_takeovers_never_leave_two_blocks_at_a_height(StorageBackend backend)
    {
        var chain = new TestChain(accounts: 4);
        var conn = await DatabaseAsync(backend);
        var k = chain.Keys;
        var producers = new[] { await StartAsync(chain, backend, conn, "p0"), await StartAsync(chain, backend, conn, "p1") };
        try
        {
            var current = producers[0];
            await current.TakeOverAsync();
            int committedByOld = 0, fenced = 0;
            for (int round = 0; round < 12; round++)
            {
                var successor = producers[(round + 1) % 2];
                var nonce = (await current.Store.GetAccountsAsync([k[0].Address]))[k[0].Address].Nonce;
                var block = current.Build(k[0], k[1].Address, nonce);
                var commit = Task.Run(() => current.CommitAsync(block));
                var claim = Task.Run(successor.TakeOverAsync);
                try { await commit; committedByOld++; }
                catch (ProducerFencedException) { fenced++; }
                await claim;
                var stored = await successor.Store.GetBlockAsync(block.Header.Height);
                if (stored is not null) Assert.Equal(block.Header.Hash, stored.Header.Hash);
                // The successor builds on whatever is committed (its load follows its claim) and commits.
                var own = successor.Build(k[2], k[3].Address, (await successor.Store.GetAccountsAsync([k[2].Address]))[k[2].Address].Nonce);
                await successor.CommitAsync(own);
                current = successor;
            }
            Assert.Equal(12, committedByOld + fenced);
            var head = (await current.Store.GetHeadAsync())!.Height;
            Assert.Equal(12 + committedByOld, head);
            var heights = new List<long>();
            await foreach (var b in current.Store.ReadBlocksAsync()) heights.Add(b.Header.Height);
            Assert.Equal(Enumerable.Range(0, (int)head + 1).Select(h => (long)h), heights);
            Assert.True((await VerifyCommand.VerifyAsync(chain.Rules, current.Store)).Ok);
        }
        finally
        {
            foreach (var p in producers) await p.DisposeAsync();
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_data_directory_from_before_the_fence_opens_and_gets_the_table(StorageBackend backend)
    {
        var chain = new TestChain(accounts: 4);
        var conn = await DatabaseAsync(backend);
        await using (var first = await StartAsync(chain, backend, conn, "old"))
        {
            await first.TakeOverAsync();
            await first.CommitAsync(first.Build(chain.Keys[0], chain.Keys[1].Address, 0));
        }
        // The previous version's schema had no ledger_producer table.
        if (backend == StorageBackend.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            await using var c = new SqliteConnection(conn);
            await c.OpenAsync();
            await using var drop = new SqliteCommand("DROP TABLE ledger_producer", c);
            await drop.ExecuteNonQueryAsync();
        }
        else
        {
            await using var c = new NpgsqlConnection(conn);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE ledger_producer", c);
            await drop.ExecuteNonQueryAsync();
        }
        await using var reopened = await StartAsync(chain, backend, conn, "new");
        Assert.Null(await reopened.Store.GetProducerEpochAsync());
        await reopened.TakeOverAsync();
        Assert.Equal(1, reopened.Epoch);
        await reopened.CommitAsync(reopened.Build(chain.Keys[0], chain.Keys[1].Address, 1));
        Assert.Equal(2, (await reopened.Store.GetHeadAsync())!.Height);
    }
}
