using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Core;

public class StateTransitionTests
{
    private static readonly TestChain Chain = new(accounts: 5);

    private static VerifiedTransaction V(SignedTransaction s)
    {
        var e = TransactionVerifier.Verify(s.Encode(), Chain.Rules.ChainId, 4096, out var v);
        Assert.False(e.IsError, e.ToString());
        return v!;
    }

    private static (LedgerState, BlockHeader) Genesis() => GenesisBlock.Build(Chain.Rules);

    [Fact]
    public void Transfer_moves_the_amount_and_pays_the_fee_to_the_producer()
    {
        var (state, genesis) = Genesis();
        var (alice, bob) = (Chain.Keys[0], Chain.Keys[1].Address);
        var before = state.Get(alice.Address).Balance;
        var block = BlockExecutor.Execute(state, Chain.Rules, genesis, 1, [V(Chain.Transfer(alice, bob, Wei.FromOpen(10), 0))]);
        var fee = new Wei(Chain.GasPrice.Value * 21_000);
        Assert.Single(block.Receipts);
        Assert.Equal(ReceiptStatus.Success, block.Receipts[0].Status);
        Assert.Equal(before - Wei.FromOpen(10) - fee, state.Get(alice.Address).Balance);
        Assert.Equal(1UL, state.Get(alice.Address).Nonce);
        Assert.Equal(Wei.FromOpen(1_000_010), state.Get(bob).Balance);
        Assert.Equal(fee, state.Get(Chain.Rules.Producer).Balance);
        Assert.Equal(Chain.Rules.TotalSupply.Value, state.TotalSupply());
        Assert.Equal(1, block.Header.Height);
        Assert.Equal(genesis.Hash, block.Header.ParentHash);
        Assert.Equal(state.StateRoot(), block.Header.StateRoot);
    }

    [Fact]
    public void Transfer_above_the_balance_fails_but_still_pays_its_fee_and_uses_its_nonce()
    {
        var (state, genesis) = Genesis();
        var alice = Chain.Keys[0];
        var block = BlockExecutor.Execute(state, Chain.Rules, genesis, 1, [V(Chain.Transfer(alice, Chain.Keys[1].Address, Wei.FromOpen(2_000_000), 0))]);
        Assert.Equal(ReceiptStatus.Failed, block.Receipts[0].Status);
        Assert.Equal(ErrorCode.InsufficientBalance, block.Receipts[0].Error);
        Assert.Equal(Wei.FromOpen(1_000_000) - block.Receipts[0].Fee, state.Get(alice.Address).Balance);
        Assert.Equal(1UL, state.Get(alice.Address).Nonce);
    }

    [Fact]
    public void A_transaction_that_cannot_pay_or_has_the_wrong_nonce_is_excluded_and_changes_nothing()
    {
        var (state, genesis) = Genesis();
        var root = state.StateRoot();
        var alice = Chain.Keys[0];
        var poor = PrivateKey.Derive("nobody", "0");
        var block = BlockExecutor.Execute(state, Chain.Rules, genesis, 1,
        [
            V(Chain.Transfer(alice, poor.Address, new Wei(1), 5)),                       // nonce gap
            V(Chain.Transfer(poor, alice.Address, new Wei(1), 0)),                       // cannot pay the fee
            V(Chain.Transfer(alice, poor.Address, new Wei(1), 0, gasPrice: new Wei(1))), // under the floor
        ]);
        Assert.Empty(block.Transactions);
        Assert.Equal([ErrorCode.NonceGapTooLarge, ErrorCode.InsufficientBalance, ErrorCode.GasPriceTooLow], block.Excluded.Select(e => e.Error.Code));
        Assert.Equal(root, state.StateRoot());
    }

    [Fact]
    public void Replaying_executed_blocks_reproduces_every_header()
    {
        var (state, parent) = Genesis();
        var blocks = new List<SealedBlock> { new(parent, default, []) };
        var nonces = new ulong[Chain.Keys.Count];
        for (int b = 0; b < 5; b++)
        {
            var txs = Enumerable.Range(0, 8).Select(i =>
            {
                var k = (b + i) % Chain.Keys.Count;
                return V(Chain.Transfer(Chain.Keys[k], Chain.Keys[(k + 1) % Chain.Keys.Count].Address, new Wei((ulong)(i + 1) * 1000), nonces[k]++));
            }).ToList();
            var executed = BlockExecutor.Execute(state, Chain.Rules, parent, 1000 + b, txs);
            blocks.Add(new SealedBlock(executed.Header, Chain.ProducerKey.Sign(executed.Header.Hash), txs.Select(t => t.Raw).ToList()));
            parent = executed.Header;
        }
        var ok = ChainReplayer.Replay(Chain.Rules, blocks);
        Assert.True(ok.Ok, ok.FirstMismatch);
        Assert.Equal(state.StateRoot(), ok.State.StateRoot());

        // A forged header (state root changed, re-signed by the producer) is caught at that block.
        var forged = blocks.ToList();
        var h = forged[3].Header with { StateRoot = Keccak256.Hash("forged") };
        forged[3] = new SealedBlock(h, Chain.ProducerKey.Sign(h.Hash), forged[3].Transactions);
        var bad = ChainReplayer.Replay(Chain.Rules, forged);
        Assert.False(bad.Ok);
        Assert.StartsWith("block 3: state root", bad.FirstMismatch);

        // A header signed by someone else is caught too.
        var wrongSigner = blocks.ToList();
        wrongSigner[2] = wrongSigner[2] with { ProducerSignature = Chain.Keys[0].Sign(wrongSigner[2].Header.Hash) };
        Assert.Contains("signature", ChainReplayer.Replay(Chain.Rules, wrongSigner).FirstMismatch);
    }

    [Fact]
    public void Supply_is_conserved_over_any_sequence_of_transfers() =>
        Gen.Int[0, 4].Select(Gen.Int[0, 6], Gen.ULong, Gen.Int[0, 3]).Array[1, 40].Sample(ops =>
        {
            var (state, parent) = Genesis();
            var nonces = new ulong[Chain.Keys.Count];
            var txs = new List<VerifiedTransaction>();
            foreach (var (from, to, amount, nonceSkew) in ops)
            {
                var toAddr = to < Chain.Keys.Count ? Chain.Keys[to].Address : PrivateKey.Derive("fresh", to.ToString()).Address;
                // Occasionally a wrong nonce, to mix exclusions in.
                var nonce = nonceSkew == 0 ? nonces[from] + 1 : nonces[from]++;
                txs.Add(V(Chain.Transfer(Chain.Keys[from], toAddr, new Wei((UInt128)amount * 100_000), nonce))); // up to ~1.8e24 wei: some exceed the balance
            }
            var block = BlockExecutor.Execute(state, Chain.Rules, parent, 1, txs);
            return state.TotalSupply() == Chain.Rules.TotalSupply.Value
                && block.Transactions.Count + block.Excluded.Count == txs.Count;
        }, iter: 200);
}
