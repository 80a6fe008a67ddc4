using Microsoft.Data.Sqlite;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>A block's summary (what the block grain serves) is read from the stored hash column: the same header,
/// signature and transaction hashes, in block order, as decoding the block's stored transactions gives.</summary>
public sealed class BlockSummaryTests : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-summary");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_block_summary_names_the_stored_transactions_in_block_order_without_their_bytes()
    {
        var chain = new TestChain(accounts: 4);
        var store = new SqlLedgerStore(StorageBackend.Sqlite, TestChain.SqliteConnection(_dir));
        try
        {
            await store.InitializeAsync(chain.Rules);
            var (state, head) = await store.LoadStateAsync();
            var k = chain.Keys;
            var txs = new[]
            {
                chain.Transfer(k[2], k[0].Address, Wei.FromOpen(1), 0), chain.Transfer(k[0], k[3].Address, Wei.FromOpen(2), 0),
                chain.Transfer(k[2], k[1].Address, Wei.FromOpen(3), 1),
            }.Select(t =>
            {
                Assert.False(TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v).IsError);
                return v!;
            }).ToList();
            var block = BlockExecutor.Execute(state, chain.Rules, head, head.TimestampMs + 1, txs);
            var signature = chain.ProducerKey.Sign(block.Header.Hash);
            await store.CommitBlockAsync(block, signature);

            var summary = await store.GetBlockSummaryAsync(1);
            Assert.NotNull(summary);
            Assert.Equal(block.Header.Hash, summary.Header.Hash);
            Assert.Equal(signature, summary.ProducerSignature);
            Assert.Equal(txs.Select(t => t.Hash), summary.TransactionHashes);
            var sealedBlock = await store.GetBlockAsync(1);
            Assert.Equal(sealedBlock!.Transactions.Select(raw =>
            {
                Assert.False(TransactionCodec.TryDecode(raw, out var decoded, int.MaxValue).IsError);
                return decoded!.Hash;
            }), summary.TransactionHashes);

            var genesis = await store.GetBlockSummaryAsync(0);
            Assert.Empty(genesis!.TransactionHashes);
            Assert.Null(await store.GetBlockSummaryAsync(2));
        }
        finally { await store.DisposeAsync(); }
    }
}
