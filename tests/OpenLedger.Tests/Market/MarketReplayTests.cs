using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>A chain that uses every kind, with failed receipts and expiries, replays from genesis to the same state;
/// any tampering with a stored block is found at that block.</summary>
public class MarketReplayTests
{
    /// <summary>The world (inference timeout 2, so its I2 expires at block 9; curation timeout 4, so its c3 expires at
    /// block 11, before the curator's late rejection) plus blocks using the remaining kinds.</summary>
    private static MarketDriver FullChain()
    {
        var w = new World(new MarketDriver(accounts: 9, market: m => { m.InferenceTimeoutBlocks = 2; m.MaxModelVersions = 2; m.CurationTimeoutBlocks = 4; }));
        var d = w.D;
        d.Block( // 8: updates, v2, a settlement, two failures
            d.Sign(w.Owner, new UpdateDatanet(w.A, "v2 coming", ["medical"], [w.Curator.Address])),
            d.Sign(w.Stranger, new Curate(w.C[3], true, "not mine to approve")),
            d.Sign(w.Owner, new PublishVersion(w.A)),
            d.Sign(d.Attribution, w.SettleI1()),
            d.Sign(d.Attribution, w.SettleI1()),
            d.Sign(w.Stranger, new Transfer(w.Caller.Address, Wei.FromOpen(3))));
        d.Block( // 9: I2 expires first; a new model version on A v2
            d.Sign(w.Publisher, new UpdateModel(w.Model, new Wei(1_234_567), ModelStatus.Active, MarketDriver.H("adapter 2"), MarketDriver.H("record 2"), [DatanetVersion.IdOf(w.A, 2)])),
            d.Sign(d.Serving, new PostResult(w.I2, MarketDriver.H("too late"))));
        var i3 = d.Sign(w.Caller, new RequestInference(w.Model, MarketDriver.H("input 3"), new Wei(2_000_000)));
        d.Block(i3, d.Sign(d.Serving, new PostResult(i3.Hash, MarketDriver.H("o3"))), // 10; a third version is over the cap
            d.Sign(w.Publisher, new UpdateModel(w.Model, new Wei(1_234_567), ModelStatus.Active, MarketDriver.H("adapter 3"), MarketDriver.H("record 3"), [w.AV1])));
        d.Block(d.Sign(d.Attribution, new SettleAttribution(i3.Hash, MarketDriver.H("r3"), [w.C[4], w.C[2]], [5, 0])),
            d.Sign(w.Curator, new Curate(w.C[3], false, "finally"))); // 11
        d.Block(); // 12: empty
        return d;
    }

    [Fact]
    public void A_chain_using_every_kind_with_failures_and_expiries_replays_to_the_same_state()
    {
        var d = FullChain();
        var kinds = d.Executed.SelectMany(b => b.Transactions).Select(t => t.Tx.Kind).ToHashSet();
        Assert.Equal(Enum.GetValues<TxKind>().ToHashSet(), kinds);
        var receipts = d.Executed.SelectMany(b => b.Receipts).ToList();
        Assert.Contains(receipts, r => r.Error == ErrorCode.NotCurator);
        Assert.Contains(receipts, r => r.Error == ErrorCode.AlreadySettled);
        Assert.Contains(receipts, r => r.Error == ErrorCode.InferenceExpired);
        Assert.Contains(receipts, r => r.Error == ErrorCode.TooManyModelVersions);
        Assert.Contains(receipts, r => r.Error == ErrorCode.ContributionExpired);
        Assert.Contains(d.Events, e => e.Kind == MarketEventKind.ContributionExpired && e.TxIndex == -1);
        Assert.Equal(3, d.Market.Objects().OfType<ModelUsage>().Single().Inferences); // I1, I2 and i3
        Assert.Contains(d.Events, e => e.Kind == MarketEventKind.InferenceExpired && e.TxIndex == -1);
        Assert.All(d.Executed, b => Assert.Empty(b.Excluded));

        var result = ChainReplayer.Replay(d.Rules, d.Blocks);
        Assert.True(result.Ok, result.FirstMismatch);
        Assert.Equal(d.Blocks.Count, result.BlocksChecked);
        Assert.Equal(receipts.Count, result.TransactionsChecked);
        Assert.Equal(d.State.StateRoot(), result.State.StateRoot());
        Assert.Equal(d.Market.Root(), result.State.Market.Root());
        Assert.Equal(d.Market.Held, result.State.Market.Held);
        Assert.Equal(Wei.Zero, result.State.Market.Held);
        MarketStateLoadTests.AssertReloadsIdentically(result.State);

        // A prefix replays too, to that block's state.
        var prefix = ChainReplayer.Replay(d.Rules, d.Blocks.Take(9));
        Assert.True(prefix.Ok, prefix.FirstMismatch);
        Assert.Equal(d.Blocks[8].Header.StateRoot, prefix.State.StateRoot());
    }

    [Fact]
    public void Flipping_any_byte_of_any_stored_transaction_is_caught_at_its_block()
    {
        var d = FullChain();
        var rng = new Random(1717);
        int checkedBlocks = 0;
        for (int h = 1; h < d.Blocks.Count; h++)
        {
            var block = d.Blocks[h];
            if (block.Transactions.Count == 0) continue;
            for (int attempt = 0; attempt < 2; attempt++)
            {
                var t = rng.Next(block.Transactions.Count);
                var raw = (byte[])block.Transactions[t].Clone();
                raw[rng.Next(raw.Length)] ^= (byte)rng.Next(1, 256);
                var txs = block.Transactions.ToList();
                txs[t] = raw;
                var forged = d.Blocks.ToList();
                forged[h] = block with { Transactions = txs };
                var result = ChainReplayer.Replay(d.Rules, forged);
                Assert.False(result.Ok);
                Assert.StartsWith($"block {h}:", result.FirstMismatch);
                Assert.Equal(h, result.BlocksChecked);
            }
            checkedBlocks++;
        }
        Assert.True(checkedBlocks >= 8);
    }

    [Fact]
    public void Dropping_reordering_or_substituting_transactions_or_changing_the_rules_is_caught()
    {
        var d = FullChain();
        var b8 = d.Blocks[8];

        var dropped = d.Blocks.ToList();
        dropped[8] = b8 with { Transactions = b8.Transactions.Take(b8.Transactions.Count - 1).ToList() };
        Assert.StartsWith("block 8: tx count", ChainReplayer.Replay(d.Rules, dropped).FirstMismatch);

        // Swapping the two identical-looking settlements (same sender, consecutive nonces) breaks the nonce order.
        var swapped = d.Blocks.ToList();
        var txs = b8.Transactions.ToList();
        (txs[3], txs[4]) = (txs[4], txs[3]);
        swapped[8] = b8 with { Transactions = txs };
        Assert.StartsWith("block 8:", ChainReplayer.Replay(d.Rules, swapped).FirstMismatch);

        // A validly signed substitute (different weights, same nonce) changes the tx root.
        var settle = TransactionCodec.TryDecode(b8.Transactions[3], out var original, d.Rules.MaxTransactionBytes);
        Assert.False(settle.IsError);
        var body = (SettleAttribution)original!.Tx.Body;
        var substitute = (original.Tx with { Body = body with { Weights = [1, 3] } }).Sign(d.Attribution).Encode();
        var substituted = d.Blocks.ToList();
        txs = b8.Transactions.ToList();
        txs[3] = substitute;
        substituted[8] = b8 with { Transactions = txs };
        Assert.StartsWith("block 8: tx root", ChainReplayer.Replay(d.Rules, substituted).FirstMismatch);

        // Another timeout in the genesis is another chain.
        var other = new MarketDriver(accounts: 9, market: m => m.InferenceTimeoutBlocks = 4);
        Assert.StartsWith("block 0: genesis hash", ChainReplayer.Replay(other.Rules, d.Blocks).FirstMismatch);

        // Blocks out of order.
        var reordered = d.Blocks.ToList();
        (reordered[5], reordered[6]) = (reordered[6], reordered[5]);
        Assert.StartsWith("block 6: expected height 5", ChainReplayer.Replay(d.Rules, reordered).FirstMismatch);
    }
}
