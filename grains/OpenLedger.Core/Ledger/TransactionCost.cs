using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Ledger;

/// <summary>The most a transaction can take from its sender, as far as the transaction alone says: its fee plus the
/// value it moves (a transfer's amount, an inference's maximum fee). The mempool admits a sender's transactions only
/// while their summed maximum cost fits the committed balance. A contribution's fee and stake depend on the datanet,
/// so they are checked when the block executes (a contribution that cannot pay fails with its gas spent).</summary>
public static class TransactionCost
{
    /// <summary>The fee a transaction pays when it is included: its kind's gas x its gas price.</summary>
    public static LedgerError TryFee(ChainRules rules, Transaction tx, out ulong gas, out Wei fee)
    {
        gas = rules.GasOf(tx.Kind);
        return Wei.TryMultiply(tx.GasPrice, gas, out fee) ? LedgerError.None : new(ErrorCode.AmountOverflow, "gas x gas price overflows");
    }

    public static LedgerError TryMaxCost(ChainRules rules, Transaction tx, out Wei cost)
    {
        cost = Wei.Zero;
        var error = TryFee(rules, tx, out _, out var fee);
        if (error.IsError) return error;
        var value = tx.Body switch
        {
            Transfer t => t.Amount,
            RequestInference r => r.MaxFee,
            _ => Wei.Zero,
        };
        if (!Wei.TryAdd(fee, value, out cost))
            return new(ErrorCode.AmountOverflow, "fee + amount overflows");
        return LedgerError.None;
    }
}
