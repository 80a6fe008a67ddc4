using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Ledger;

/// <summary>The rules that decide whether a transaction can pay: its nonce against the one expected, its gas price
/// against the floor, and a cost against a balance. The state transition applies them to the state; the mempool
/// applies the same ones to committed state plus what a sender already has pending. One rule, one place.</summary>
public static class PaymentChecks
{
    /// <summary>None when <paramref name="nonce"/> is the expected one; <see cref="ErrorCode.NonceTooLow"/> when it was
    /// used; <see cref="ErrorCode.NonceGapTooLarge"/> when it is ahead (not executable until the gap fills).</summary>
    public static LedgerError Nonce(Address from, ulong expected, ulong nonce) => NonceCode(expected, nonce) switch
    {
        ErrorCode.NonceTooLow => new(ErrorCode.NonceTooLow, $"nonce {nonce} was already used; the next nonce of {from} is {expected}"),
        ErrorCode.NonceGapTooLarge => new(ErrorCode.NonceGapTooLarge, $"nonce {nonce} is ahead of the next nonce {expected}"),
        _ => LedgerError.None,
    };

    /// <summary><see cref="Nonce"/>'s code alone, with no message formatted: for the mempool, which accepts a nonce
    /// ahead of the committed one (a run) and must not build a refusal's text for every transaction it admits.</summary>
    public static ErrorCode NonceCode(ulong expected, ulong nonce) =>
        nonce < expected ? ErrorCode.NonceTooLow : nonce > expected ? ErrorCode.NonceGapTooLarge : ErrorCode.None;

    public static LedgerError GasPrice(ChainRules rules, Wei gasPrice) =>
        gasPrice < rules.GasPriceFloor
            ? new(ErrorCode.GasPriceTooLow, $"gas price {gasPrice} is below the floor {rules.GasPriceFloor}")
            : LedgerError.None;

    /// <summary>None when <paramref name="balance"/> covers <paramref name="cost"/>; then <paramref name="left"/> is what remains.</summary>
    public static LedgerError Covers(Wei balance, Wei cost, string what, out Wei left) =>
        Affords(balance, cost, out left)
            ? LedgerError.None
            : new(ErrorCode.InsufficientBalance, $"balance {balance} cannot pay {what} {cost}");

    /// <summary><see cref="Covers"/> without the refusal's text: a caller whose description of the cost is itself
    /// formatted (amounts in decimal) checks first and calls <see cref="Covers"/> only to refuse.</summary>
    public static bool Affords(Wei balance, Wei cost, out Wei left) => Wei.TrySubtract(balance, cost, out left);
}
