using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>The owner or a curator freezes the datanet's approved contributions as the next numbered version, with
/// a Merkle root over their content hashes in approval order. Training refers to a version by its id,
/// keccak256(datanet || number as uint64).</summary>
public sealed record PublishVersion(Hash32 Datanet) : ITxBody
{
    public static readonly TypedField[] Schema = [new("datanet", FieldType.Bytes32)];

    public TxKind Kind => TxKind.PublishVersion;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Datanet];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = new PublishVersion((Hash32)v[0]);
        return LedgerError.None;
    }
}
