namespace OpenLedger.Core.Transactions.Fields;

/// <summary>The value types a transaction body field may have. Each maps to one EIP-712 type and one wire encoding
/// (see <see cref="BodyFormat"/>), so a new kind declares its fields and gets hashing, the wire format and typed-data
/// JSON without code of its own.</summary>
public enum FieldType
{
    Address,
    Bytes32,
    Bool,
    UInt8,
    UInt16,
    UInt64,
    UInt256,
    String,
    AddressArray,
    Bytes32Array,
    UInt64Array,
    StringArray,
}

public static class FieldTypes
{
    /// <summary>The EIP-712 type name of a field type.</summary>
    public static string Eip712Name(this FieldType t) => t switch
    {
        FieldType.Address => "address",
        FieldType.Bytes32 => "bytes32",
        FieldType.Bool => "bool",
        FieldType.UInt8 => "uint8",
        FieldType.UInt16 => "uint16",
        FieldType.UInt64 => "uint64",
        FieldType.UInt256 => "uint256",
        FieldType.String => "string",
        FieldType.AddressArray => "address[]",
        FieldType.Bytes32Array => "bytes32[]",
        FieldType.UInt64Array => "uint64[]",
        FieldType.StringArray => "string[]",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}
