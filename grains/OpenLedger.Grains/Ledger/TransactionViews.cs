using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Ledger;

/// <summary>Builds the client view of a stored or pending transaction.</summary>
internal static class TransactionViews
{
    public static TransactionView Committed(TransactionRecord r)
    {
        TransactionCodec.TryDecode(r.Raw, out var signed, int.MaxValue);
        var tx = signed!.Tx;
        var transfer = tx.Body as Transfer;
        return new TransactionView(r.Hash, TxStatus.Committed, r.Height, r.Index, tx.From, transfer?.To, transfer?.Amount, tx.Nonce,
            r.Receipt.Status == ReceiptStatus.Success, r.Receipt.Error == ErrorCode.None ? null : r.Receipt.Error.ToString(),
            r.Receipt.GasUsed, r.Receipt.Fee, tx.Kind.ToString());
    }

    public static TransactionView Pending(Hash32 hash) =>
        new(hash, TxStatus.Pending, null, null, null, null, null, null, null, null, null, null, "");

    public static TransactionView Unknown(Hash32 hash) =>
        new(hash, TxStatus.Unknown, null, null, null, null, null, null, null, null, null, null, "");
}
