using Microsoft.Data.Sqlite;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>A SQLite data directory from before block-order storage (transactions keyed by hash) keeps working: the
/// store converts it at start-up, and every transaction, block page, account history and the state read the same.</summary>
public sealed class SqliteTransactionsLayoutTests : IDisposable
{
    // Schema/Sqlite/Ledger.sql's transactions table and indexes as they were before block order.
    private const string HashKeyedDdl = """
        CREATE TABLE ledger_transactions (
            hash      BLOB PRIMARY KEY,
            height    INTEGER NOT NULL,
            idx       INTEGER NOT NULL,
            sender    BLOB NOT NULL,
            recipient BLOB,
            kind      INTEGER NOT NULL,
            raw       BLOB NOT NULL,
            status    INTEGER NOT NULL,
            error     INTEGER NOT NULL,
            gas_used  INTEGER NOT NULL,
            fee       TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ix_ledger_transactions_block ON ledger_transactions (height, idx);
        CREATE INDEX ix_ledger_transactions_sender ON ledger_transactions (sender, height);
        CREATE INDEX ix_ledger_transactions_recipient ON ledger_transactions (recipient, height);
        """;

    private readonly string _dir = TestChain.TempDirectory("openledger-layout");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_hash_keyed_database_is_converted_to_block_order_with_every_transaction_intact()
    {
        var chain = new TestChain(accounts: 4);
        var conn = TestChain.SqliteConnection(_dir);
        var hashes = await CommitTwoBlocksAsync(chain, conn);
        var before = await ReadEverythingAsync(conn, chain, hashes);
        await RewriteHashKeyedAsync(conn);
        Assert.Equal(["hash"], await PrimaryKeyAsync(conn));

        var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        await store.InitializeAsync(chain.Rules);
        await store.DisposeAsync();

        Assert.Equal(["height", "idx"], await PrimaryKeyAsync(conn));
        Assert.Equal(["ix_ledger_transactions_recipient", "ix_ledger_transactions_sender", "sqlite_autoindex_ledger_transactions_1"],
            await ScalarsAsync(conn, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_transactions' ORDER BY name"));
        Assert.Empty(await ScalarsAsync(conn, "SELECT name FROM sqlite_master WHERE name LIKE 'ledger_transactions_by%'"));
        Assert.Equal(before, await ReadEverythingAsync(conn, chain, hashes));

        // The converted store goes on: a third block commits on top and reloads to its state root.
        var writer = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        await writer.InitializeAsync(chain.Rules);
        var (state, head) = await writer.LoadStateAsync();
        var block3 = Execute(chain, state, head, [chain.Transfer(chain.Keys[2], chain.Keys[0].Address, Wei.FromOpen(1), 0)]);
        await writer.CommitBlockAsync(block3, chain.ProducerKey.Sign(block3.Header.Hash));
        var (_, head3) = await writer.LoadStateAsync();
        Assert.Equal(block3.Header.Hash, head3.Hash);
        Assert.Equal(6, (await ScalarsAsync(conn, "SELECT count(*) FROM ledger_transactions")).Select(long.Parse).Single());
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task A_new_database_is_created_in_block_order_and_left_alone_at_the_next_start()
    {
        var chain = new TestChain(accounts: 2);
        var conn = TestChain.SqliteConnection(_dir);
        for (int start = 0; start < 2; start++)
        {
            var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
            await store.InitializeAsync(chain.Rules);
            await store.DisposeAsync();
            Assert.Equal(["height", "idx"], await PrimaryKeyAsync(conn));
        }
    }

    private static async Task<List<Hash32>> CommitTwoBlocksAsync(TestChain chain, string conn)
    {
        var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        await store.InitializeAsync(chain.Rules);
        var (state, head) = await store.LoadStateAsync();
        var hashes = new List<Hash32>();
        foreach (var txs in new[]
        {
            new[] { chain.Transfer(chain.Keys[0], chain.Keys[1].Address, Wei.FromOpen(5), 0), chain.Transfer(chain.Keys[1], chain.Keys[3].Address, Wei.FromOpen(7), 0),
                    chain.Transfer(chain.Keys[0], chain.Keys[3].Address, Wei.FromOpen(2), 1) },
            new[] { chain.Transfer(chain.Keys[3], chain.Keys[0].Address, Wei.FromOpen(3), 0), chain.Transfer(chain.Keys[0], chain.Keys[1].Address, Wei.FromOpen(1), 2) },
        })
        {
            var block = Execute(chain, state, head, txs);
            Assert.Equal(txs.Length, block.Transactions.Count);
            await store.CommitBlockAsync(block, chain.ProducerKey.Sign(block.Header.Hash));
            hashes.AddRange(block.Transactions.Select(t => t.Hash));
            head = block.Header;
        }
        await store.DisposeAsync();
        return hashes;
    }

    private static ExecutedBlock Execute(TestChain chain, LedgerState state, BlockHeader parent, IEnumerable<SignedTransaction> txs)
    {
        var verified = txs.Select(t =>
        {
            var error = TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v);
            Assert.False(error.IsError, error.ToString());
            return v!;
        }).ToList();
        return BlockExecutor.Execute(state, chain.Rules, parent, parent.TimestampMs + 1, verified);
    }

    /// <summary>Every read of transactions the store offers, as comparable text.</summary>
    private static async Task<List<string>> ReadEverythingAsync(string conn, TestChain chain, List<Hash32> hashes)
    {
        var store = new SqlLedgerStore(StorageBackend.Sqlite, conn);
        var seen = new List<string>();
        foreach (var h in hashes) seen.Add(Show(await store.GetTransactionAsync(h) ?? throw new InvalidOperationException($"{h} missing")));
        foreach (var height in new long[] { 1, 2 })
        {
            seen.AddRange((await store.GetBlockTransactionsAsync(height)).Select(Show));
            seen.AddRange((await store.GetBlockTransactionsAsync(height, 1, 1)).Select(Show));
            seen.Add($"block {height}: {(await store.GetBlockAsync(height))!.Header.Hash}");
        }
        foreach (var key in chain.Keys)
            seen.AddRange((await store.GetAccountTransactionsAsync(key.Address, 10)).Select(r => $"{key.Address}: {Show(r)}"));
        var (state, head) = await store.LoadStateAsync();
        seen.Add($"head {head.Height} {head.Hash}, state root {state.StateRoot()}");
        await store.DisposeAsync();
        return seen;
    }

    private static string Show(TransactionRecord r) =>
        $"{r.Height}/{r.Index} {r.Kind} {r.Sender} -> {r.Recipient} {Convert.ToHexString(r.Raw)} {r.Receipt}";

    /// <summary>Puts the file's transactions back into the hash-keyed table, as an older node left them.</summary>
    private static async Task RewriteHashKeyedAsync(string conn)
    {
        await using var c = new SqliteConnection(conn);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "BEGIN IMMEDIATE; ALTER TABLE ledger_transactions RENAME TO current_layout;" +
                          "DROP INDEX ix_ledger_transactions_sender; DROP INDEX ix_ledger_transactions_recipient;" +
                          HashKeyedDdl + "INSERT INTO ledger_transactions SELECT * FROM current_layout; DROP TABLE current_layout; COMMIT;";
        await cmd.ExecuteNonQueryAsync();
    }

    private static Task<List<string>> PrimaryKeyAsync(string conn) =>
        ScalarsAsync(conn, "SELECT name FROM pragma_table_info('ledger_transactions') WHERE pk > 0 ORDER BY pk");

    private static async Task<List<string>> ScalarsAsync(string conn, string sql)
    {
        await using var c = new SqliteConnection(conn);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return list;
    }
}
