using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>Moves <see cref="Amount"/> wei from the sender to <see cref="To"/>.</summary>
public sealed record Transfer(Address To, Wei Amount) : ITxBody
{
    public static readonly TypedField[] Schema = [new("to", FieldType.Address), new("amount", FieldType.UInt256)];

    public TxKind Kind => TxKind.Transfer;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [To, Amount];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = new Transfer((Address)v[0], (Wei)v[1]);
        return LedgerError.None;
    }
}
