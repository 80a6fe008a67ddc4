using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>The most a transaction can take from its sender: its fee plus the value it moves. The mempool
/// admits a sender's transactions only while their summed maximum cost fits the committed balance.</summary>
public static class TransactionCost
{
    public static LedgerError TryMaxCost(ChainRules rules, Transaction tx, out Wei cost)
    {
        cost = Wei.Zero;
        if (!Wei.TryMultiply(tx.GasPrice, rules.GasOf(tx.Kind), out var fee))
            return new(ErrorCode.AmountOverflow, "gas x gas price overflows");
        var value = tx.Body switch
        {
            Transfer t => t.Amount,
            _ => Wei.Zero,
        };
        if (!Wei.TryAdd(fee, value, out cost))
            return new(ErrorCode.AmountOverflow, "fee + amount overflows");
        return LedgerError.None;
    }
}
