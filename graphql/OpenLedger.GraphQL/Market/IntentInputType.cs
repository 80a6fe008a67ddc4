using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Transactions.Fields;
using FieldType = OpenLedger.Core.Transactions.Fields.FieldType;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>The input of <c>typedData</c> for one transaction kind, generated from the kind's field schema
/// (<see cref="TxBodies.SchemaOf"/>): the sender, optional nonce and gas price, and one field per body field with the
/// GraphQL type of its EIP-712 type. A kind added to the core appears here without code of its own.</summary>
[DoNotRegister] // built per kind by the mutation, not resolved from DI
public sealed class IntentInputType : InputObjectGraphType
{
    public TxKind Kind { get; }

    public IntentInputType(TxKind kind)
    {
        Kind = kind;
        Name = $"{kind}Intent";
        Description = $"What to sign for a {kind} transaction: the sender, and the {kind} fields of the typed data " +
                      "(integers of 64 bits and more as BigInt decimal strings).";
        Field<NonNullGraphType<AddressGraphType>>("from").Description("The sender (the signer).");
        Field<WeiAmountGraphType>("nonce").Description("Default: the sender's next nonce, counting its pending transactions.");
        Field<WeiAmountGraphType>("gasPrice").Description("Wei per gas; default and minimum: the chain's floor.");
        foreach (var f in TxBodies.SchemaOf(kind))
            Field(f.Name, NonNullTypeOf(f.Type)).Description(DescriptionOf(f));
    }

    /// <summary>The GraphQL input type of a field type (non-null; array elements non-null too).</summary>
    public static Type NonNullTypeOf(FieldType t) => typeof(NonNullGraphType<>).MakeGenericType(GraphTypeOf(t));

    private static Type GraphTypeOf(FieldType t) => t switch
    {
        FieldType.Address => typeof(AddressGraphType),
        FieldType.Bytes32 => typeof(HashGraphType),
        FieldType.Bool => typeof(BooleanGraphType),
        FieldType.UInt8 or FieldType.UInt16 => typeof(IntGraphType),
        FieldType.UInt64 or FieldType.UInt256 => typeof(WeiAmountGraphType),
        FieldType.String => typeof(StringGraphType),
        FieldType.AddressArray => ListOf(FieldType.Address),
        FieldType.Bytes32Array => ListOf(FieldType.Bytes32),
        FieldType.UInt64Array => ListOf(FieldType.UInt64),
        FieldType.StringArray => ListOf(FieldType.String),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "no GraphQL input type for this field type"),
    };

    private static Type ListOf(FieldType element) => typeof(ListGraphType<>).MakeGenericType(NonNullTypeOf(element));

    // The few fields whose integers stand for enum values, so a wallet author need not read the core.
    private static string DescriptionOf(TypedField f) => (f.Name, f.Type) switch
    {
        ("taskKind", FieldType.UInt8) => "uint8: 1 text, 2 prompt->completion, 3 text->label.",
        ("forfeitTo", FieldType.UInt8) => "uint8: where a rejected contribution's stake goes: 1 the owner, 2 the treasury.",
        ("status", FieldType.UInt8) => "uint8: 1 active, 2 retired.",
        _ => "EIP-712 type " + f.Type.Eip712Name() + ".",
    };
}
