using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>The outcome of replaying a chain from genesis.</summary>
public sealed record ReplayResult(bool Ok, long BlocksChecked, long TransactionsChecked, string? FirstMismatch, LedgerState State)
{
    public override string ToString() => Ok
        ? $"ok: {BlocksChecked} blocks and {TransactionsChecked} transactions replayed; every header, root and signature matches"
        : $"MISMATCH: {FirstMismatch}";
}

/// <summary>Replays committed blocks from genesis through the same state transition, checking each header:
/// height and parent link, producer signature, every transaction's signature, tx root, receipts root,
/// state root, gas used. Stops at the first mismatch and says what it was.</summary>
public static class ChainReplayer
{
    public static ReplayResult Replay(ChainRules rules, IEnumerable<SealedBlock> blocks)
    {
        var (state, genesis) = GenesisBlock.Build(rules);
        var parent = genesis;
        long count = 0, txs = 0;
        foreach (var block in blocks)
        {
            var h = block.Header;
            ReplayResult Fail(string why) => new(false, count, txs, $"block {h.Height}: {why}", state);
            if (h.Height == 0)
            {
                if (h.Hash != genesis.Hash) return Fail($"genesis hash {h.Hash} differs from this genesis file's {genesis.Hash}");
                count++;
                continue;
            }
            if (h.Height != parent.Height + 1) return Fail($"expected height {parent.Height + 1}");
            if (h.ParentHash != parent.Hash) return Fail($"parent hash {h.ParentHash} is not block {parent.Height}'s hash {parent.Hash}");
            if (h.Producer != rules.Producer) return Fail($"producer {h.Producer} is not the genesis producer {rules.Producer}");
            if (!block.IsSignedBy(rules.Producer)) return Fail("the producer's signature does not verify");
            var verified = new List<VerifiedTransaction>(block.Transactions.Count);
            for (int i = 0; i < block.Transactions.Count; i++)
            {
                var error = TransactionVerifier.Verify(block.Transactions[i], rules.ChainId, rules.MaxTransactionBytes, out var vtx);
                if (error.IsError) return Fail($"transaction {i}: {error}");
                verified.Add(vtx!);
            }
            var executed = BlockExecutor.Execute(state, rules, parent, h.TimestampMs, verified);
            if (executed.Excluded.Count > 0) return Fail($"transaction {executed.Excluded[0].Hash} is not executable: {executed.Excluded[0].Error}");
            var r = executed.Header;
            if (r.TxCount != h.TxCount) return Fail($"tx count {h.TxCount}, replay includes {r.TxCount}");
            if (r.TxRoot != h.TxRoot) return Fail($"tx root {h.TxRoot}, replay computes {r.TxRoot}");
            if (r.ReceiptsRoot != h.ReceiptsRoot) return Fail($"receipts root {h.ReceiptsRoot}, replay computes {r.ReceiptsRoot}");
            if (r.GasUsed != h.GasUsed) return Fail($"gas used {h.GasUsed}, replay computes {r.GasUsed}");
            if (r.StateRoot != h.StateRoot) return Fail($"state root {h.StateRoot}, replay computes {r.StateRoot}");
            if (r.Hash != h.Hash) return Fail($"header hash {h.Hash}, replay computes {r.Hash}");
            parent = h;
            count++;
            txs += verified.Count;
        }
        return new ReplayResult(true, count, txs, null, state);
    }
}
