using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Transactions.Fields;
using System.Text.Json.Nodes;
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
            r.Receipt.GasUsed, r.Receipt.Fee, tx.Kind.ToString(), FieldsOf(tx.Body));
    }

    /// <summary>The body's fields as typed-data text: every kind's fields come from its schema, so a new kind needs
    /// nothing here.</summary>
    public static IReadOnlyList<TransactionFieldView> FieldsOf(ITxBody body)
    {
        var message = new JsonObject();
        BodyFormat.WriteJson(body, message);
        return [.. body.Fields.Select(f => new TransactionFieldView(f.Name, f.TypeName, message[f.Name] switch
        {
            JsonArray a => [.. a.Select(x => x?.ToString() ?? "")],
            var v => [v?.ToString() ?? ""],
        }))];
    }

    public static TransactionView Pending(Hash32 hash) =>
        new(hash, TxStatus.Pending, null, null, null, null, null, null, null, null, null, null, "");

    public static TransactionView Unknown(Hash32 hash) =>
        new(hash, TxStatus.Unknown, null, null, null, null, null, null, null, null, null, null, "");
}
