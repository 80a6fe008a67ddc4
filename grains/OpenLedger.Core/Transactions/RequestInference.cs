using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>A caller asks a model for an inference on an input (by hash) and escrows the model's current price,
/// provided it is at most <see cref="MaxFee"/>. The inference's id is this transaction's hash.</summary>
public sealed record RequestInference(Hash32 Model, Hash32 Input, Wei MaxFee) : ITxBody
{
    public static readonly TypedField[] Schema =
        [new("model", FieldType.Bytes32), new("input", FieldType.Bytes32), new("maxFee", FieldType.UInt256)];

    public TxKind Kind => TxKind.RequestInference;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Model, Input, MaxFee];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = new RequestInference((Hash32)v[0], (Hash32)v[1], (Wei)v[2]);
        return LedgerError.None;
    }
}
