using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Ledger;
using OpenLedger.Tests.Core.Mempool;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Grains;

/// <summary>How the producer names the transaction a faulting block was applying (so it can drop it and go on).</summary>
public class CandidateCursorTests
{
    private static readonly TestChain Chain = new(accounts: 3);

    [Fact]
    public void A_fault_inside_a_transactions_rule_is_attributed_to_that_transaction()
    {
        var (state, genesis) = GenesisBlock.Build(Chain.Rules);
        var fee = new Wei(Chain.GasPrice.Value * 21_000);
        // A state no real chain reaches: the producer's balance one fee short of overflowing, so crediting the
        // second transaction's fee throws inside the state transition (the checked arithmetic a bug would trip).
        state.Set(Chain.Rules.Producer, new AccountState(new Wei(UInt128.MaxValue - fee.Value - 1), 0));
        var txs = Chain.Keys.Select(k => PoolDriver.Transfer(Chain.Rules, k.Address, 0, Chain.GasPrice)).ToList();
        var cursor = new CandidateCursor(txs, null);

        Assert.Throws<OverflowException>(() => BlockExecutor.Execute(state, Chain.Rules, genesis, 1, cursor));

        Assert.Equal(txs[1].Hash, cursor.Culprit?.Hash);
    }

    [Fact]
    public void A_block_that_ran_through_its_candidates_names_no_culprit()
    {
        var (state, genesis) = GenesisBlock.Build(Chain.Rules);
        var txs = Chain.Keys.Select(k => PoolDriver.Transfer(Chain.Rules, k.Address, 0, Chain.GasPrice)).ToList();
        var cursor = new CandidateCursor(txs, null);
        Assert.Equal(3, BlockExecutor.Execute(state, Chain.Rules, genesis, 1, cursor).Transactions.Count);
        Assert.Null(cursor.Culprit);
        Assert.Null(new CandidateCursor([], null).Culprit);
    }
}
