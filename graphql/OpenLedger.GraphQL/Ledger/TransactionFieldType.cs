using GraphQL.Types;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>One field of a committed transaction's body: what its kind says (a transfer's recipient, a model's price,
/// a settlement's attributions), named as in its EIP-712 type.</summary>
public sealed class TransactionFieldType : ObjectGraphType<TransactionFieldView>
{
    /// <summary>The most fields a kind has (RegisterModel's nine, with room).</summary>
    public const int MaxFields = 16;

    public TransactionFieldType()
    {
        Name = "TransactionField";
        Description = "A field of a transaction's body, as in its EIP-712 typed data.";
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("type").Description("The EIP-712 type: address, bytes32, uint256 (wei for amounts), string[], ...").Resolve(c => c.Source.Type);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("values")
            .Description("The value as typed-data text (one element), or an array's elements.")
            .Resolve(c => c.Source.Values);
    }
}
