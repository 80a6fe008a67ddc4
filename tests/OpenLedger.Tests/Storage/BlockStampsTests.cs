using Microsoft.Data.Sqlite;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>Block stamps (what GraphQL's chainActivity counts) come from the block table's own columns: each block's
/// height, timestamp and transaction count, newest first, within the height range and from the time asked for; on
/// SQLite and on a real PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BlockStampsTests(PostgresServerFixture pg) : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-stamps");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public Task Stamps_on_SQLite() => StampsAsync(new SqlLedgerStore(StorageBackend.Sqlite, TestChain.SqliteConnection(_dir)));

    [Fact]
    public async Task Stamps_on_PostgreSQL() => await StampsAsync(new SqlLedgerStore(StorageBackend.PostgreSql, await pg.CreateDatabaseAsync("block_stamps")));

    private static async Task StampsAsync(SqlLedgerStore store)
    {
        var chain = new TestChain(accounts: 4);
        try
        {
            await store.InitializeAsync(chain.Rules);
            var (state, head) = await store.LoadStateAsync();
            var k = chain.Keys;
            // Blocks 1..3 holding 2, 0 and 1 transactions, a second apart.
            var perBlock = new[] { 2, 0, 1 };
            ulong nonce = 0;
            foreach (var count in perBlock)
            {
                var txs = Enumerable.Range(0, count).Select(_ =>
                {
                    var t = chain.Transfer(k[0], k[1].Address, Wei.FromOpen(1), nonce++);
                    Assert.False(TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v).IsError);
                    return v!;
                }).ToList();
                var block = BlockExecutor.Execute(state, chain.Rules, head, head.TimestampMs + 1000, txs);
                await store.CommitBlockAsync(block, chain.ProducerKey.Sign(block.Header.Hash));
                head = block.Header; // Execute advanced the state itself
            }
            var t1 = chain.Rules.GenesisTimestampMs + 1000;

            var all = await store.GetBlockStampsAsync(0, 3, long.MinValue);
            Assert.Equal([3L, 2, 1, 0], all.Select(s => s.Height));
            Assert.Equal([1, 0, 2, 0], all.Select(s => s.TransactionCount));
            Assert.Equal([t1 + 2000, t1 + 1000, t1, chain.Rules.GenesisTimestampMs], all.Select(s => s.TimestampMs));
            // The time filters, the height range bounds.
            Assert.Equal([3L, 2], (await store.GetBlockStampsAsync(0, 3, t1 + 1000)).Select(s => s.Height));
            Assert.Equal([2L, 1], (await store.GetBlockStampsAsync(1, 2, long.MinValue)).Select(s => s.Height));
            Assert.Empty(await store.GetBlockStampsAsync(4, 10, long.MinValue));
        }
        finally { await store.DisposeAsync(); }
    }
}
