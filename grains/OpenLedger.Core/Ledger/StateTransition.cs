using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>The state transition function: state + transaction -> new state + receipt. Pure and deterministic.
/// A transaction that cannot pay (wrong nonce, gas price under the floor, balance below the fee) is excluded:
/// no receipt, no change. Once its fee is paid, the kind's own rule may still fail: then the receipt says why,
/// the fee and the nonce are spent, and nothing else changes.</summary>
public static class StateTransition
{
    public static LedgerError Apply(LedgerState state, ChainRules rules, VerifiedTransaction vtx, int index,
        ISet<Address> touched, out Receipt? receipt)
    {
        receipt = null;
        var tx = vtx.Tx;
        var sender = state.Get(tx.From);
        if (tx.Nonce < sender.Nonce)
            return new(ErrorCode.NonceTooLow, $"nonce {tx.Nonce} was already used; the next nonce of {tx.From} is {sender.Nonce}");
        if (tx.Nonce > sender.Nonce)
            return new(ErrorCode.NonceGapTooLarge, $"nonce {tx.Nonce} is ahead of the next nonce {sender.Nonce}");
        if (tx.GasPrice < rules.GasPriceFloor)
            return new(ErrorCode.GasPriceTooLow, $"gas price {tx.GasPrice} is below the floor {rules.GasPriceFloor}");
        var gas = rules.GasOf(tx.Kind);
        if (!Wei.TryMultiply(tx.GasPrice, gas, out var fee))
            return new(ErrorCode.AmountOverflow, "gas x gas price overflows");
        if (!Wei.TrySubtract(sender.Balance, fee, out var afterFee))
            return new(ErrorCode.InsufficientBalance, $"balance {sender.Balance} cannot pay the fee {fee}");

        // The fee is paid and the nonce used whatever the body does.
        state.Set(tx.From, new AccountState(afterFee, sender.Nonce + 1));
        Credit(state, rules.Producer, fee);
        touched.Add(tx.From);
        touched.Add(rules.Producer);

        var outcome = tx.Body switch
        {
            Transfer t => ApplyTransfer(state, tx.From, t, touched),
            _ => throw new InvalidOperationException($"no rule for kind {tx.Kind}"), // unreachable: the codec knows only kinds with rules
        };
        receipt = new Receipt(vtx.Hash, index, outcome == ErrorCode.None ? ReceiptStatus.Success : ReceiptStatus.Failed, outcome, gas, fee);
        return LedgerError.None;
    }

    private static ErrorCode ApplyTransfer(LedgerState state, Address from, Transfer t, ISet<Address> touched)
    {
        var sender = state.Get(from);
        if (!Wei.TrySubtract(sender.Balance, t.Amount, out var remaining)) return ErrorCode.InsufficientBalance;
        state.Set(from, sender with { Balance = remaining });
        Credit(state, t.To, t.Amount);
        touched.Add(t.To);
        return ErrorCode.None;
    }

    // Supply is conserved, so a credit cannot overflow 128 bits; checked anyway, as a bug would otherwise mint.
    private static void Credit(LedgerState state, Address to, Wei amount)
    {
        var account = state.Get(to);
        state.Set(to, account with { Balance = account.Balance + amount });
    }
}
