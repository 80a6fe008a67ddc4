using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>The kind-specific part of a transaction. The common fields (from, nonce, gasPrice) live in
/// <see cref="Transaction"/>; a body adds its own fields after them, in the EIP-712 type and on the wire.
/// A body only says what its fields are and what values they hold; <see cref="BodyFormat"/> turns that into the
/// EIP-712 struct hash, the wire bytes and typed-data JSON, the same way for every kind.</summary>
public interface ITxBody
{
    TxKind Kind { get; }

    /// <summary>The kind's fields, in order.</summary>
    IReadOnlyList<TypedField> Fields { get; }

    /// <summary>The field values in <see cref="Fields"/> order, each of the CLR type <see cref="BodyFormat"/> expects
    /// for its <see cref="FieldType"/> (Address, Hash32, bool, byte, ushort, ulong, Wei, string, or arrays of those).</summary>
    object[] Values();
}

/// <summary>One field of an EIP-712 struct type.</summary>
public readonly record struct TypedField(string Name, FieldType Type)
{
    public string TypeName => Type.Eip712Name();
}
