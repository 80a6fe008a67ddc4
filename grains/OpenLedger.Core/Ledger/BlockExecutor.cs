using OpenLedger.Core.Crypto;
using OpenLedger.Core.Datanets;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Inference;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>A block after execution: what was included, each receipt, what was left out and why, the accounts and
/// marketplace objects it changed (with their state-tree index) for the store, and its marketplace events in order.</summary>
public sealed record ExecutedBlock(
    BlockHeader Header,
    IReadOnlyList<VerifiedTransaction> Transactions,
    IReadOnlyList<Receipt> Receipts,
    IReadOnlyList<(Hash32 Hash, LedgerError Error)> Excluded,
    IReadOnlyList<(int Index, Address Address, AccountState State)> ChangedAccounts)
{
    public IReadOnlyList<(int Index, IMarketObject Object)> ChangedObjects { get; init; } = [];
    public IReadOnlyList<MarketEvent> Events { get; init; } = [];
}

/// <summary>Builds the next block: first resolves the inferences and then the contributions whose deadline has come,
/// then applies candidate transactions in order. It mutates the <c>state</c> given to <see cref="Execute"/>; the caller reloads the state if it then fails to
/// commit the block.</summary>
public static class BlockExecutor
{
    public static ExecutedBlock Execute(LedgerState state, ChainRules rules, BlockHeader parent, long timestampMs,
        IEnumerable<VerifiedTransaction> candidates)
    {
        var height = parent.Height + 1;
        var included = new List<VerifiedTransaction>();
        var receipts = new List<Receipt>();
        var excluded = new List<(Hash32, LedgerError)>();
        var changes = new BlockChanges();
        InferenceRules.ExpireDue(state, rules, height, changes);
        DatanetRules.ExpireDue(state, rules, height, changes);
        ulong gasUsed = 0;
        foreach (var vtx in candidates)
        {
            if (included.Count >= rules.MaxBlockTransactions) break;
            var gas = rules.GasOf(vtx.Tx.Kind);
            if (gasUsed + gas > rules.MaxBlockGas) break;
            var error = StateTransition.Apply(state, rules, height, vtx, included.Count, changes, out var receipt);
            if (error.IsError) { excluded.Add((vtx.Hash, error)); continue; }
            included.Add(vtx);
            receipts.Add(receipt!);
            gasUsed += receipt!.GasUsed;
        }
        var header = new BlockHeader(
            Height: height,
            ParentHash: parent.Hash,
            TimestampMs: Math.Max(timestampMs, parent.TimestampMs),
            TxRoot: MerkleTree.Root(included.Select(t => t.Hash).ToList()),
            ReceiptsRoot: MerkleTree.Root(receipts.Select(r => r.Commitment()).ToList()),
            StateRoot: state.StateRoot(),
            Producer: rules.Producer,
            GasUsed: gasUsed,
            TxCount: included.Count);
        var changed = changes.Accounts.Select(a => (state.IndexOf(a), a, state.Get(a))).OrderBy(c => c.Item1).ToList();
        var objects = changes.Objects.Select(o => (state.Market.IndexOf(o.Id), o)).OrderBy(c => c.Item1).ToList();
        return new ExecutedBlock(header, included, receipts, excluded, changed) { ChangedObjects = objects, Events = changes.Events };
    }
}
