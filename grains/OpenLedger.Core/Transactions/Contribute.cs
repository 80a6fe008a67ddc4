using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>Adds content (already in the content store) to a datanet. The chain keeps the content hash, the hash
/// of its normalized form (two contributions with the same normalized hash in one datanet are exact duplicates) and
/// its size (the fee is charged by size). The node checks the hashes and size against the stored content when it
/// admits the transaction. The contribution's id is this transaction's hash.</summary>
public sealed record Contribute(Hash32 Datanet, Hash32 Content, Hash32 NormalizedContent, ulong Size) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("datanet", FieldType.Bytes32), new("content", FieldType.Bytes32), new("normalizedContent", FieldType.Bytes32),
        new("size", FieldType.UInt64),
    ];

    public TxKind Kind => TxKind.Contribute;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Datanet, Content, NormalizedContent, Size];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        if ((ulong)v[3] == 0) return new(ErrorCode.InvalidField, "size must be positive: empty content is not a contribution");
        body = new Contribute((Hash32)v[0], (Hash32)v[1], (Hash32)v[2], (ulong)v[3]);
        return LedgerError.None;
    }
}
