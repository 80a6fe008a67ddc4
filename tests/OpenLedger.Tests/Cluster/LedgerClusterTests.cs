using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>The ledger on a real Orleans test cluster and a real SQLite file: submission, admission errors,
/// commit, reads. Uses dev keys 0..9 of the shared fixture.</summary>
[Collection("ledger-cluster")]
public class LedgerClusterTests(LedgerClusterFixture fx)
{
    private PrivateKey Key(int i) => fx.Chain.Keys[i];
    private static Address Fresh(string label) => PrivateKey.Derive("cluster tests", label).Address;

    private async Task<ulong> NextNonceAsync(PrivateKey k) => (await fx.AccountAsync(k.Address)).NextNonce;

    [Fact]
    public async Task Transfer_commits_in_a_block_and_moves_exactly_the_amount()
    {
        var alice = Key(0);
        var bob = Fresh("bob-" + Guid.NewGuid());
        var before = await fx.BalanceAsync(alice.Address);
        var tx = fx.Chain.Transfer(alice, bob, Wei.FromOpen(7), await NextNonceAsync(alice));
        var submitted = await fx.SubmitAsync(tx.Encode());
        Assert.True(submitted.Accepted, submitted.Message);
        Assert.Equal(tx.Hash, submitted.Hash);

        var view = await fx.WaitAsync(tx.Hash);
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.True(view.Succeeded);
        Assert.Equal(Wei.FromOpen(7), await fx.BalanceAsync(bob));
        Assert.Equal(before - Wei.FromOpen(7) - view.Fee!.Value, await fx.BalanceAsync(alice.Address));

        var block = await fx.Client.GetGrain<IBlockGrain>(view.BlockHeight!.Value).GetAsync();
        Assert.NotNull(block);
        Assert.Contains(tx.Hash, block!.TransactionHashes);
        var stored = await fx.Store.GetBlockAsync(block.Height);
        Assert.Equal(stored!.Header.Hash, block.Hash);
        Assert.True(stored.IsSignedBy(fx.Chain.Rules.Producer));

        var history = await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(bob)).GetTransactionsAsync(10, null);
        Assert.Equal(tx.Hash, Assert.Single(history).Hash);
    }

    [Fact]
    public async Task Bad_transactions_each_get_a_stable_code_change_nothing_and_the_node_keeps_serving()
    {
        var k = Key(2);
        var to = Fresh("sink");
        var nonce = await NextNonceAsync(k);
        var before = await fx.AccountAsync(k.Address);
        var valid = fx.Chain.Transfer(k, to, new Wei(1), nonce).Encode();
        var poor = PrivateKey.Derive("cluster tests", "poor");

        byte[] Mutate(byte[] raw, int at, byte value) { var c = (byte[])raw.Clone(); c[at] = value; return c; }
        var cases = new (string Expected, byte[] Raw)[]
        {
            ("MalformedTransaction", valid[..40]),
            ("UnsupportedEnvelopeVersion", Mutate(valid, 0, 7)),
            ("UnknownKind", Mutate(valid, 2, 200)),
            ("TransactionTooLarge", new byte[20_000]),
            ("AmountOverflow", Mutate(valid, TransactionCodec.HeaderLength + 21, 1)),
            ("WrongChainId", fx.Chain.Transfer(k, to, new Wei(1), nonce, chainId: 4242).Encode()),
            ("BadSignature", Mutate(valid, valid.Length - 1, 99)),
            ("SignerMismatch", Mutate(valid, 12, (byte)(valid[12] ^ 0xff))),
            ("NonceTooLow", nonce > 0 ? fx.Chain.Transfer(k, to, new Wei(1), nonce - 1).Encode() : fx.Chain.Transfer(k, to, new Wei(1), 0, gasPrice: fx.Chain.GasPrice).Encode()),
            ("NonceGapTooLarge", fx.Chain.Transfer(k, to, new Wei(1), nonce + 1000).Encode()),
            ("GasPriceTooLow", fx.Chain.Transfer(k, to, new Wei(1), nonce, gasPrice: new Wei(1)).Encode()),
            ("InsufficientBalance", fx.Chain.Transfer(k, to, Wei.FromOpen(5_000_000), nonce).Encode()),
            ("InsufficientBalance", fx.Chain.Transfer(poor, to, new Wei(1), 0).Encode()),
        };
        if (nonce == 0) cases = cases.Where(c => c.Expected != "NonceTooLow").ToArray();
        var results = await fx.Intake.SubmitAsync(cases.Select(c => c.Raw).ToList());
        for (int i = 0; i < cases.Length; i++)
        {
            Assert.False(results[i].Accepted, $"case {i} ({cases[i].Expected}) was accepted");
            Assert.Equal(cases[i].Expected, results[i].ErrorCode);
            Assert.False(string.IsNullOrWhiteSpace(results[i].Message));
        }
        var after = await fx.AccountAsync(k.Address);
        Assert.Equal((before.Balance, before.Nonce, before.PendingCount), (after.Balance, after.Nonce, after.PendingCount));

        // The node still serves: the valid one commits.
        var ok = await fx.SubmitAsync(valid);
        Assert.True(ok.Accepted, ok.Message);
        Assert.Equal(TxStatus.Committed, (await fx.WaitAsync(ok.Hash!.Value)).Status);
    }

    [Fact]
    public async Task Duplicates_are_rejected_while_pending_and_replays_after_commit()
    {
        var k = Key(3);
        var tx = fx.Chain.Transfer(k, Fresh("dup"), new Wei(5), await NextNonceAsync(k)).Encode();
        var results = await fx.Intake.SubmitAsync([tx, tx]);
        Assert.True(results[0].Accepted);
        Assert.Equal("DuplicateTransaction", results[1].ErrorCode);
        await fx.WaitAsync(results[0].Hash!.Value);
        var replay = await fx.SubmitAsync(tx);
        Assert.Equal("NonceTooLow", replay.ErrorCode);
    }

    [Fact]
    public async Task Transactions_arriving_out_of_nonce_order_wait_for_the_gap_and_commit_in_order()
    {
        var k = Key(4);
        var n = await NextNonceAsync(k);
        var to = Fresh("ordered");
        var third = fx.Chain.Transfer(k, to, new Wei(3), n + 2);
        var second = fx.Chain.Transfer(k, to, new Wei(2), n + 1);
        var first = fx.Chain.Transfer(k, to, new Wei(1), n);
        Assert.All(await fx.Intake.SubmitAsync([third.Encode(), second.Encode()]), r => Assert.True(r.Accepted, r.Message));
        await Task.Delay(300); // several block intervals: nothing may commit while nonce n is missing
        Assert.Equal(TxStatus.Pending, (await fx.Client.GetGrain<ITransactionGrain>(GrainKeys.Of(third.Hash)).GetAsync()).Status);
        var waiting = await fx.AccountAsync(k.Address);
        Assert.Equal(2, waiting.PendingCount);
        Assert.Equal(new[] { second.Hash, third.Hash }.OrderBy(h => h), waiting.PendingTransactions.OrderBy(h => h));
        Assert.True((await fx.SubmitAsync(first.Encode())).Accepted);
        var views = await Task.WhenAll(new[] { first, second, third }.Select(t => fx.WaitAsync(t.Hash)));
        Assert.All(views, v => Assert.Equal(TxStatus.Committed, v.Status));
        var order = views.Select(v => (v.BlockHeight!.Value, v.Index!.Value)).ToList();
        Assert.Equal(order.OrderBy(o => o).ToList(), order);
        Assert.Equal(new Wei(6), await fx.BalanceAsync(to));
    }

    [Fact]
    public async Task A_sender_cannot_queue_more_than_its_balance_covers()
    {
        var k = Key(5);
        var n = await NextNonceAsync(k);
        var balance = await fx.BalanceAsync(k.Address);
        var half = new Wei(balance.Value / 2);
        var results = await fx.Intake.SubmitAsync(
        [
            fx.Chain.Transfer(k, Fresh("half"), half, n).Encode(),
            fx.Chain.Transfer(k, Fresh("half"), half, n + 1).Encode(), // half + half + two fees > balance
        ]);
        Assert.True(results[0].Accepted);
        Assert.Equal("InsufficientBalance", results[1].ErrorCode);
        await fx.WaitAsync(results[0].Hash!.Value);
    }

    [Fact]
    public async Task Unknown_transactions_and_future_blocks_read_as_absent()
    {
        var view = await fx.Client.GetGrain<ITransactionGrain>(GrainKeys.Of(Keccak256.Hash("never sent"))).GetAsync();
        Assert.Equal(TxStatus.Unknown, view.Status);
        Assert.Null(await fx.Client.GetGrain<IBlockGrain>(10_000_000).GetAsync());
        var chain = await fx.Client.GetGrain<IChainGrain>(0).GetInfoAsync();
        Assert.Equal(fx.Chain.Rules.ChainId, chain.ChainId);
        Assert.Equal(fx.Node.GenesisHash, chain.GenesisHash);
    }

    [Fact]
    public async Task Random_and_mutated_encodings_are_all_rejected_with_codes_and_change_nothing()
    {
        var rng = new Random(2026);
        var k = Key(6);
        var n = await NextNonceAsync(k);
        var valid = fx.Chain.Transfer(k, Fresh("fuzz"), new Wei(9), n).Encode();
        var head = (await fx.Client.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
        var inputs = new List<byte[]>();
        for (int i = 0; i < 600; i++)
        {
            var c = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0: c = new byte[rng.Next(0, 300)]; rng.NextBytes(c); break;
                case 1: c[rng.Next(c.Length)] ^= (byte)rng.Next(1, 256); break;
                case 2: c = c[..rng.Next(c.Length)]; break;
                default: c = [.. c, .. new byte[rng.Next(1, 50)]]; break;
            }
            inputs.Add(c);
        }
        var results = await fx.Intake.SubmitAsync(inputs);
        Assert.Equal(inputs.Count, results.Count);
        Assert.All(results, r => Assert.False(r.Accepted));
        Assert.All(results, r => Assert.True(Enum.TryParse<ErrorCode>(r.ErrorCode, out _), $"unstable code {r.ErrorCode}"));
        Assert.Equal(0, (await fx.AccountAsync(k.Address)).PendingCount);
        // Still serving.
        var ok = await fx.SubmitAsync(valid);
        Assert.True(ok.Accepted, ok.Message);
        var v = await fx.WaitAsync(ok.Hash!.Value);
        Assert.True(v.BlockHeight > head);
    }

    [Fact]
    public async Task The_producer_resumes_from_the_last_committed_block_after_its_activation_is_lost()
    {
        var k = Key(7);
        var to = Fresh("failover");
        var first = fx.Chain.Transfer(k, to, new Wei(1), await NextNonceAsync(k));
        Assert.True((await fx.SubmitAsync(first.Encode())).Accepted);
        var committed = await fx.WaitAsync(first.Hash);

        // Deactivate the producer as a silo failure or a migration would; the keepalive or new work re-activates it.
        var activationsBefore = await ProducerActivationsAsync();
        await fx.Cluster.DeactivateAsync(fx.Client.GetGrain<IBlockProducerGrain>(0));

        var second = fx.Chain.Transfer(k, to, new Wei(2), first.Tx.Nonce + 1);
        Assert.True((await fx.SubmitAsync(second.Encode())).Accepted);
        var view = await fx.WaitAsync(second.Hash);
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.True(view.BlockHeight > committed.BlockHeight);
        var block = await fx.Client.GetGrain<IBlockGrain>(view.BlockHeight!.Value).GetAsync();
        var parent = await fx.Client.GetGrain<IBlockGrain>(view.BlockHeight!.Value - 1).GetAsync();
        Assert.Equal(parent!.Hash, block!.ParentHash);
        Assert.Equal(new Wei(3), await fx.BalanceAsync(to));
        var replay = await OpenLedger.Silo.Cli.VerifyCommand.VerifyAsync(fx.Chain.Rules, fx.Store);
        Assert.True(replay.Ok, replay.FirstMismatch);
        // The new activation read and advanced the same grain-storage row, still named "sequencer" (the grain's
        // former name) so that databases written before the rename are found.
        Assert.Equal(activationsBefore + 1, await ProducerActivationsAsync());
    }

    /// <summary>The block producer's activation count, read from its row in the SQLite file's Orleans grain storage.</summary>
    private async Task<int> ProducerActivationsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(TestChain.SqliteConnection(fx.DataDirectory));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadJson FROM OrleansStorage WHERE GrainTypeString = 'sequencer'";
        var json = (string?)await command.ExecuteScalarAsync();
        Assert.NotNull(json);
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("activations").GetInt32();
    }

    [Fact]
    public async Task A_watcher_behind_the_blocks_held_in_memory_gets_the_gap_from_the_store_in_order()
    {
        var chain = fx.Client.GetGrain<IChainGrain>(0);
        var page = await chain.WaitForBlocksAsync(-1, TimeSpan.FromSeconds(1)); // genesis is never in memory
        Assert.NotEmpty(page);
        Assert.Equal(Enumerable.Range(0, page.Count).Select(i => (long)i), page.Select(b => b.Height));
        Assert.Equal(fx.Node.GenesisHash, page[0].BlockHash);
        var head = (await chain.GetInfoAsync()).HeadHeight;
        Assert.Empty(await chain.WaitForBlocksAsync(head + 1000, TimeSpan.FromMilliseconds(50))); // nothing that far: timeout
    }

    [Fact]
    public async Task Oversized_batches_are_rejected_whole()
    {
        var results = await fx.Intake.SubmitAsync(Enumerable.Range(0, TransactionIntakeGrain.MaxBatch + 1).Select(_ => new byte[1]).ToList());
        Assert.All(results, r => Assert.Equal("BatchTooLarge", r.ErrorCode));
    }
}
