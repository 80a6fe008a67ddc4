using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>The rows one committed block adds to a table: how many, and their values in the table's column order
/// (<see cref="LedgerTables"/>). Written once for both backends; each backend's <see cref="RowSink"/> stores them.</summary>
internal sealed record LedgerRows(LedgerTable Table, Func<ExecutedBlock, int> Count, Action<RowSink, ExecutedBlock, Signature> Write)
{
    /// <summary>Every table a block writes, in the order it writes them.</summary>
    public static readonly IReadOnlyList<LedgerRows> OfBlock = [
        new(LedgerTables.Blocks, _ => 1, WriteBlock),
        new(LedgerTables.Transactions, b => b.Transactions.Count, WriteTransactions),
        new(LedgerTables.Accounts, b => b.ChangedAccounts.Count, WriteAccounts),
        new(LedgerTables.Objects, b => b.ChangedObjects.Count, WriteObjects),
        new(LedgerTables.Events, b => b.Events.Count - SqlRewardCredits.NarrowCount(b), WriteEvents),
        new(LedgerTables.RewardCredits, SqlRewardCredits.NarrowCount, WriteRewardCredits),
    ];

    private static void WriteBlock(RowSink s, ExecutedBlock block, Signature signature)
    {
        var h = block.Header;
        s.Integer(h.Height);
        s.Bytes(h.Hash.AsSpan());
        s.Bytes(h.Encode());
        s.Bytes(signature.ToArray());
        s.Integer(h.TxCount);
        s.Integer(h.TimestampMs);
        s.EndRow();
    }

    private static void WriteTransactions(RowSink s, ExecutedBlock block, Signature _)
    {
        var height = block.Header.Height;
        Span<byte> address = stackalloc byte[Address.Length];
        string? lastFeeText = null;
        Wei lastFee = default;
        for (int i = 0; i < block.Transactions.Count; i++)
        {
            var t = block.Transactions[i];
            var r = block.Receipts[i];
            s.Bytes(t.Hash.AsSpan());
            s.Integer(height);
            s.Integer(i);
            Put(s, t.Sender, address);
            if (RecipientOf(t.Tx) is { } to) Put(s, to, address); else s.Null();
            s.Integer((int)t.Tx.Kind);
            s.Bytes(t.Raw);
            s.Integer((int)r.Status);
            s.Integer((int)r.Error);
            s.Integer((long)r.GasUsed);
            // Most transactions of a block pay the same fee: format it once.
            if (lastFeeText is null || r.Fee != lastFee) (lastFee, lastFeeText) = (r.Fee, r.Fee.ToString());
            s.Text(lastFeeText);
            s.EndRow();
        }
    }

    private static void WriteAccounts(RowSink s, ExecutedBlock block, Signature _)
    {
        var height = block.Header.Height;
        Span<byte> address = stackalloc byte[Address.Length];
        foreach (var (index, a, state) in block.ChangedAccounts)
        {
            Put(s, a, address);
            s.Integer(index);
            s.Text(state.Balance.ToString());
            s.Integer((long)state.Nonce);
            s.Integer(height);
            s.EndRow();
        }
    }

    private static void WriteObjects(RowSink s, ExecutedBlock block, Signature _)
    {
        var height = block.Header.Height;
        Span<byte> address = stackalloc byte[Address.Length];
        foreach (var (index, o) in block.ChangedObjects)
        {
            s.Bytes(o.Id.AsSpan());
            s.Integer(index);
            s.Integer((int)o.ObjectKind);
            Put(s, o.Parent);
            Put(s, o.Party, address);
            s.Integer(o.StatusCode);
            s.Integer(o.CreatedHeight);
            s.Integer(height);
            s.Bytes(o.Encode());
            s.EndRow();
        }
    }

    private static void WriteEvents(RowSink s, ExecutedBlock block, Signature _)
    {
        var height = block.Header.Height;
        Span<byte> address = stackalloc byte[Address.Length];
        var settledSeqs = SqlRewardCredits.SettledSeqs(block);
        for (int seq = 0; seq < block.Events.Count; seq++)
        {
            if (settledSeqs[seq] != SqlRewardCredits.NotNarrow) continue;
            var e = block.Events[seq];
            s.Integer(height);
            s.Integer(seq);
            s.Integer(e.TxIndex);
            s.Bytes(e.TxHash.AsSpan());
            s.Integer((int)e.Kind);
            s.Bytes(e.Subject.AsSpan());
            if (e.Party is { } party) Put(s, party, address); else s.Null();
            if (e.Amount is { } amount) s.Text(amount.ToString()); else s.Null();
            Put(s, e.Datanet);
            Put(s, e.Model);
            Put(s, e.Contribution);
            Put(s, e.Inference);
            if (e.Detail is { } detail) s.Text(detail); else s.Null();
            s.EndRow();
        }
    }

    private static void WriteRewardCredits(RowSink s, ExecutedBlock block, Signature _)
    {
        var height = block.Header.Height;
        Span<byte> address = stackalloc byte[Address.Length];
        var settledSeqs = SqlRewardCredits.SettledSeqs(block);
        // Payees of one settlement are often paid equal amounts: an amount is formatted once per run of equal ones.
        string? lastAmountText = null;
        Wei lastAmount = default;
        for (int seq = 0; seq < block.Events.Count; seq++)
        {
            if (settledSeqs[seq] == SqlRewardCredits.NotNarrow) continue;
            var e = block.Events[seq];
            s.Integer(height);
            s.Integer(seq);
            s.Integer(settledSeqs[seq]);
            Put(s, e.Party!.Value, address);
            var amount = e.Amount!.Value;
            if (lastAmountText is null || amount != lastAmount) (lastAmount, lastAmountText) = (amount, amount.ToString());
            s.Text(lastAmountText);
            Put(s, e.Datanet);
            Put(s, e.Contribution);
            if (e.Detail is { } detail) s.Text(detail); else s.Null();
            s.EndRow();
        }
    }

    // An address has no span of its own (three fields); it is copied to the caller's stack buffer, which the sink copies.
    private static void Put(RowSink s, Address a, Span<byte> buffer)
    {
        a.CopyTo(buffer);
        s.Bytes(buffer);
    }

    private static void Put(RowSink s, Hash32? h)
    {
        if (h is { } v) s.Bytes(v.AsSpan()); else s.Null();
    }

    /// <summary>The account a transaction credits, for the per-account history index.</summary>
    private static Address? RecipientOf(Transaction tx) => tx.Body switch
    {
        Transfer t => t.To,
        _ => null,
    };
}
