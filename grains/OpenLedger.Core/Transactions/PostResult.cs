using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>An authorised serving operator posts the hash of an inference's output. Once per inference.</summary>
public sealed record PostResult(Hash32 Inference, Hash32 Output) : ITxBody
{
    public static readonly TypedField[] Schema = [new("inference", FieldType.Bytes32), new("output", FieldType.Bytes32)];

    public TxKind Kind => TxKind.PostResult;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Inference, Output];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = new PostResult((Hash32)v[0], (Hash32)v[1]);
        return LedgerError.None;
    }
}
