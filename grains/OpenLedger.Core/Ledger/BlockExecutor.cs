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

    private IReadOnlyList<Hash32>? _transactionHashes;

    /// <summary>The included transactions' hashes, in block order: the executor hands over the list it built the
    /// transaction root from, so that the producer's notice of the block does not copy them again (a block built
    /// elsewhere computes them when asked).</summary>
    public IReadOnlyList<Hash32> TransactionHashes
    {
        get => _transactionHashes ?? Transactions.Select(t => t.Hash).ToArray();
        init => _transactionHashes = value;
    }
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
        // Sized for the candidates at once: growing a list of thousands by doubling copies it into large-object arrays.
        var capacity = candidates is IReadOnlyCollection<VerifiedTransaction> c ? Math.Min(c.Count, rules.MaxBlockTransactions) : 0;
        var included = new List<VerifiedTransaction>(capacity);
        var receipts = new List<Receipt>(capacity);
        var excluded = new List<(Hash32, LedgerError)>();
        var changes = new BlockChanges(capacity);
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
        var hashes = new Hash32[included.Count];
        for (int i = 0; i < hashes.Length; i++) hashes[i] = included[i].Hash;
        var header = new BlockHeader(
            Height: height,
            ParentHash: parent.Hash,
            TimestampMs: Math.Max(timestampMs, parent.TimestampMs),
            TxRoot: MerkleTree.Root(hashes),
            ReceiptsRoot: ReceiptsRoot(receipts),
            StateRoot: state.StateRoot(),
            Producer: rules.Producer,
            GasUsed: gasUsed,
            TxCount: included.Count);
        var changed = new (int Index, Address Address, AccountState State)[changes.Accounts.Count];
        var k = 0;
        foreach (var a in changes.Accounts) changed[k++] = (state.IndexOf(a), a, state.Get(a));
        Array.Sort(changed, static (x, y) => x.Index.CompareTo(y.Index)); // indexes are unique: the order is total
        var objects = changes.Objects.Select(o => (state.Market.IndexOf(o.Id), o)).OrderBy(c => c.Item1).ToList();
        return new ExecutedBlock(header, included, receipts, excluded, changed)
        {
            ChangedObjects = objects, Events = changes.Events, TransactionHashes = hashes,
        };
    }

    /// <summary>The receipts root, its leaves built in a pooled level (a block's receipts are thousands of hashes).</summary>
    private static Hash32 ReceiptsRoot(List<Receipt> receipts)
    {
        if (receipts.Count == 0) return Hash32.Zero;
        var level = System.Buffers.ArrayPool<Hash32>.Shared.Rent(receipts.Count);
        try
        {
            for (int i = 0; i < receipts.Count; i++) level[i] = receipts[i].Commitment();
            return MerkleTree.RootInPlace(level.AsSpan(0, receipts.Count));
        }
        finally { System.Buffers.ArrayPool<Hash32>.Shared.Return(level); }
    }
}
