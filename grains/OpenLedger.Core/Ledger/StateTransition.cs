using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Datanets;
using OpenLedger.Core.Inference;
using OpenLedger.Core.Market;
using OpenLedger.Core.Models;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>The state transition function: state + transaction -> new state + receipt. Pure and deterministic.
/// A transaction that cannot pay (wrong nonce, gas price under the floor, balance below the fee) is excluded:
/// no receipt, no change. Once its fee is paid, the kind's own rule may still fail: then the receipt says why,
/// the fee and the nonce are spent, and nothing else changes.</summary>
public static class StateTransition
{
    public static LedgerError Apply(LedgerState state, ChainRules rules, long height, VerifiedTransaction vtx, int index,
        BlockChanges changes, out Receipt? receipt)
    {
        receipt = null;
        var tx = vtx.Tx;
        // Checked at admission too; here because this is where every transaction passes, whoever handed it over.
        if (tx.ChainId != rules.ChainId)
            return new(ErrorCode.WrongChainId, $"signed for chain {tx.ChainId}; this chain is {rules.ChainId}");
        var sender = state.Get(tx.From);
        var error = PaymentChecks.Nonce(tx.From, sender.Nonce, tx.Nonce);
        if (error.IsError) return error;
        error = PaymentChecks.GasPrice(rules, tx.GasPrice);
        if (error.IsError) return error;
        error = TransactionCost.TryFee(rules, tx, out var gas, out var fee);
        if (error.IsError) return error;
        error = PaymentChecks.Covers(sender.Balance, fee, "the fee", out var afterFee);
        if (error.IsError) return error;

        // The fee is paid and the nonce used whatever the body does.
        state.Set(tx.From, new AccountState(afterFee, sender.Nonce + 1));
        Credit(state, rules.Producer, fee);
        changes.Accounts.Add(tx.From);
        changes.Accounts.Add(rules.Producer);

        changes.TxIndex = index;
        changes.TxHash = vtx.Hash;
        var cx = new TxContext(state, rules, height, vtx.Hash, tx.From, changes);
        var outcome = tx.Body switch
        {
            Transfer t => ApplyTransfer(cx, t),
            CreateDatanet b => DatanetRules.Create(cx, b),
            UpdateDatanet b => DatanetRules.Update(cx, b),
            Contribute b => DatanetRules.Contribute(cx, b),
            Curate b => DatanetRules.Curate(cx, b),
            PublishVersion b => DatanetRules.Publish(cx, b),
            RegisterModel b => ModelRules.Register(cx, b),
            UpdateModel b => ModelRules.Update(cx, b),
            RequestInference b => InferenceRules.Request(cx, b),
            PostResult b => InferenceRules.Post(cx, b),
            SettleAttribution b => InferenceRules.Settle(cx, b),
            _ => throw new InvalidOperationException($"no rule for kind {tx.Kind}"), // unreachable: the codec knows only kinds with rules
        };
        receipt = new Receipt(vtx.Hash, index, outcome == ErrorCode.None ? ReceiptStatus.Success : ReceiptStatus.Failed, outcome, gas, fee);
        return LedgerError.None;
    }

    private static ErrorCode ApplyTransfer(in TxContext cx, Transfer t)
    {
        if (cx.BalanceOf(cx.Sender) < t.Amount) return ErrorCode.InsufficientBalance;
        cx.Debit(cx.Sender, t.Amount);
        cx.Credit(t.To, t.Amount);
        return ErrorCode.None;
    }

    // Supply is conserved, so a credit cannot overflow 128 bits; checked anyway, as a bug would otherwise mint.
    private static void Credit(LedgerState state, Address to, Wei amount)
    {
        var account = state.Get(to);
        state.Set(to, account with { Balance = account.Balance + amount });
    }
}
