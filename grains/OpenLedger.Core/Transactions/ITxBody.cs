using OpenLedger.Core.Eip712;

namespace OpenLedger.Core.Transactions;

/// <summary>The kind-specific part of a transaction. The common fields (from, nonce, gasPrice) live in
/// <see cref="Transaction"/>; a body adds its own fields after them, in the EIP-712 type and on the wire.</summary>
public interface ITxBody
{
    TxKind Kind { get; }

    /// <summary>The kind's fields as EIP-712 (name, type) pairs, in order.</summary>
    IReadOnlyList<TypedField> Fields { get; }

    /// <summary>Appends the body's fields to hashStruct, in <see cref="Fields"/> order.</summary>
    void HashFields(ref StructHasher hasher);

    /// <summary>The body's field values as JSON-ready text (addresses EIP-55, uint256 as decimal strings).</summary>
    IEnumerable<KeyValuePair<string, string>> MessageValues();

    int EncodedLength { get; }
    void Encode(Span<byte> destination);
}

/// <summary>One field of an EIP-712 struct type.</summary>
public readonly record struct TypedField(string Name, string Type);
