using OpenLedger.Core.Ledger;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Core;

/// <summary>What the executor hands to the store and the producer's notice besides the header: the included
/// transactions' hashes (the list the transaction root is built from) and the changed accounts in state-tree order.</summary>
public class BlockExecutorTests
{
    private static readonly TestChain Chain = new(accounts: 8);

    private static VerifiedTransaction V(SignedTransaction s)
    {
        var e = TransactionVerifier.Verify(s.Encode(), Chain.Rules.ChainId, 4096, out var v);
        Assert.False(e.IsError, e.ToString());
        return v!;
    }

    [Fact]
    public void A_block_lists_its_transaction_hashes_in_block_order_and_its_changed_accounts_by_tree_index()
    {
        var (state, genesis) = GenesisBlock.Build(Chain.Rules);
        var k = Chain.Keys;
        // Senders and recipients out of index order; one transaction excluded (a reused nonce) in the middle.
        var candidates = new[]
        {
            V(Chain.Transfer(k[6], k[1].Address, Wei.FromOpen(1), 0)),
            V(Chain.Transfer(k[3], k[7].Address, Wei.FromOpen(2), 0)),
            V(Chain.Transfer(k[6], k[0].Address, Wei.FromOpen(3), 0)), // nonce 0 again: excluded
            V(Chain.Transfer(k[2], k[5].Address, Wei.FromOpen(4), 0)),
            V(Chain.Transfer(k[6], k[4].Address, Wei.FromOpen(5), 1)),
        };
        var block = BlockExecutor.Execute(state, Chain.Rules, genesis, 1, candidates);

        Assert.Equal(4, block.Transactions.Count);
        Assert.Single(block.Excluded);
        Assert.Equal(block.Transactions.Select(t => t.Hash), block.TransactionHashes);
        Assert.Equal(MerkleTree.Root(block.TransactionHashes), block.Header.TxRoot);
        Assert.Equal(MerkleTree.Root(block.Receipts.Select(r => r.Commitment()).ToList()), block.Header.ReceiptsRoot);

        var indexes = block.ChangedAccounts.Select(a => a.Index).ToList();
        Assert.Equal(indexes.Order(), indexes);
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
        var touched = new[] { k[6], k[3], k[2] }.Select(x => x.Address)
            .Concat([k[1].Address, k[7].Address, k[5].Address, k[4].Address, Chain.Rules.Producer]).ToHashSet();
        Assert.Equal(touched, block.ChangedAccounts.Select(a => a.Address).ToHashSet());
        foreach (var (index, address, st) in block.ChangedAccounts)
        {
            Assert.Equal(state.IndexOf(address), index);
            Assert.Equal(state.Get(address), st);
        }
    }

    [Fact]
    public void A_block_built_without_the_executor_still_names_its_transactions()
    {
        var (state, genesis) = GenesisBlock.Build(Chain.Rules);
        var executed = BlockExecutor.Execute(state, Chain.Rules, genesis, 1, [V(Chain.Transfer(Chain.Keys[0], Chain.Keys[1].Address, Wei.FromOpen(1), 0))]);
        var rebuilt = new ExecutedBlock(executed.Header, executed.Transactions, executed.Receipts, executed.Excluded, executed.ChangedAccounts);
        Assert.Equal(executed.TransactionHashes, rebuilt.TransactionHashes);
    }
}
