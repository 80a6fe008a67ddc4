using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>A reload (producer activation, failover, recovery from a failed block) reads the accounts, the
/// marketplace objects and the head in separate statements. A block committed between them must not give a state
/// of one block and the head of another: the reload sees either block entirely, and its state hashes to its head's
/// state root.</summary>
internal static class StateReload
{
    public static async Task A_block_committed_between_the_reads_is_seen_entirely_or_not_at_all(StorageBackend backend, string conn)
    {
        var chain = new TestChain(accounts: 3);
        var writer = new SqlLedgerStore(backend, conn);
        await writer.InitializeAsync(chain.Rules);
        var (state, genesis) = GenesisBlock.Build(chain.Rules);
        var error = TransactionVerifier.Verify(chain.Transfer(chain.Keys[0], chain.Keys[1].Address, Wei.FromOpen(5), 0).Encode(),
            chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var transfer);
        Assert.False(error.IsError, error.ToString());
        var block1 = BlockExecutor.Execute(state, chain.Rules, genesis, genesis.TimestampMs + 1, [transfer!]);
        var signature = chain.ProducerKey.Sign(block1.Header.Hash);

        var reader = new SqlLedgerStore(backend, conn);
        var interleaved = 0;
        reader.BetweenReloadReadsForTests = async ct =>
        {
            // The accounts have been read; block 1 (which changes three of them and the head) commits now.
            if (Interlocked.Increment(ref interleaved) == 1) await writer.CommitBlockAsync(block1, signature, ct);
        };
        var (loaded, head) = await reader.LoadStateAsync();

        Assert.Equal(1, interleaved);
        Assert.Equal(head.StateRoot, loaded.StateRoot());
        // Its snapshot began with the first read, before the commit: it sees genesis whole.
        Assert.Equal((0L, genesis.Hash), (head.Height, head.Hash));
        Assert.Equal(Wei.FromOpen(1_000_000), loaded.Get(chain.Keys[0].Address).Balance);

        // The next reload sees block 1 whole.
        reader.BetweenReloadReadsForTests = null;
        var (after, head1) = await reader.LoadStateAsync();
        Assert.Equal((1L, block1.Header.Hash), (head1.Height, head1.Hash));
        Assert.Equal(head1.StateRoot, after.StateRoot());
        Assert.Equal(1UL, after.Get(chain.Keys[0].Address).Nonce);
        await writer.DisposeAsync();
        await reader.DisposeAsync();
    }
}

[Collection(PostgresCollection.Name)]
public class PostgresStateReloadTests(PostgresServerFixture pg)
{
    [Fact]
    public async Task A_reload_with_a_block_committed_between_its_reads_sees_one_block_whole_on_PostgreSQL() =>
        await StateReload.A_block_committed_between_the_reads_is_seen_entirely_or_not_at_all(
            StorageBackend.PostgreSql, await pg.CreateDatabaseAsync("ledger_torn_reload"));
}

public class SqliteStateReloadTests
{
    private static async Task<(TestChain Chain, string Conn)> TamperedAsync(string dir)
    {
        var chain = new TestChain(accounts: 3);
        var conn = TestChain.SqliteConnection(dir);
        await OpenLedger.Storage.Schema.OrleansSchemaInstaller.EnsureAsync(StorageBackend.Sqlite, conn, includeClusteringAndReminders: false);
        await using (var store = new SqlLedgerStore(StorageBackend.Sqlite, conn)) await store.InitializeAsync(chain.Rules);
        // A balance changed behind the ledger's back: the state no longer hashes to the head's state root.
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection(conn);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE ledger_accounts SET balance = '1' WHERE idx = 0";
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        return (chain, conn);
    }

    [Fact]
    public async Task A_stored_state_that_does_not_hash_to_the_heads_state_root_is_refused_with_a_clear_error()
    {
        var dir = TestChain.TempDirectory("openledger-tampered");
        try
        {
            var (_, conn) = await TamperedAsync(dir);
            await using var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
            var e = await Assert.ThrowsAsync<StateRootMismatchException>(() => store.LoadStateAsync());
            Assert.Equal(0, e.Head.Height);
            Assert.Contains("does not match block 0", e.Message);
            Assert.Contains("openledger verify", e.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_node_on_a_database_changed_outside_the_ledger_does_not_start_and_says_why()
    {
        var dir = TestChain.TempDirectory("openledger-tampered-node");
        try
        {
            var (chain, _) = await TamperedAsync(dir);
            var e = await Assert.ThrowsAnyAsync<Exception>(() => InProcessNode.StartAsync(chain, dir, FreePorts.Next()));
            Assert.Contains("the stored state does not match block 0", e.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_reload_with_a_block_committed_between_its_reads_sees_one_block_whole_on_SQLite()
    {
        var dir = TestChain.TempDirectory("openledger-reload");
        try
        {
            await StateReload.A_block_committed_between_the_reads_is_seen_entirely_or_not_at_all(StorageBackend.Sqlite, TestChain.SqliteConnection(dir));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
