using System.Collections.Concurrent;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>An unsigned transaction: the fields every kind shares, then the kind's body.
/// Its EIP-712 primary type is the kind's name, e.g.
/// <c>Transfer(address from,uint64 nonce,uint256 gasPrice,address to,uint256 amount)</c>.</summary>
public sealed record Transaction(ulong ChainId, Address From, ulong Nonce, Wei GasPrice, ITxBody Body)
{
    public TxKind Kind => Body.Kind;

    private static readonly TypedField[] CommonFields =
        [new("from", FieldType.Address), new("nonce", FieldType.UInt64), new("gasPrice", FieldType.UInt256)];

    private static readonly ConcurrentDictionary<TxKind, (string TypeString, Hash32 TypeHash)> TypeCache = new();

    /// <summary>The EIP-712 fields of this kind: common fields first, then the body's.</summary>
    public IReadOnlyList<TypedField> TypedFields => [.. CommonFields, .. Body.Fields];

    public string PrimaryType => Kind.ToString();

    public string TypeString => TypeOf(this).TypeString;

    private static (string TypeString, Hash32 TypeHash) TypeOf(Transaction tx) =>
        TypeCache.GetOrAdd(tx.Kind, _ =>
        {
            var s = $"{tx.PrimaryType}({string.Join(",", tx.TypedFields.Select(f => $"{f.TypeName} {f.Name}"))})";
            return (s, Keccak256.Hash(s));
        });

    /// <summary>hashStruct(message) under EIP-712.</summary>
    public Hash32 StructHash()
    {
        var h = new StructHasher(TypeOf(this).TypeHash);
        h.Address(From);
        h.UInt(Nonce);
        h.UInt(GasPrice);
        BodyFormat.Hash(Body, ref h);
        return h.Finish();
    }

    /// <summary>The digest the sender signs. It is also the transaction's hash: it does not depend on the
    /// signature, so one intent has one hash however it was signed.</summary>
    public Hash32 SigningHash() => Eip712Domain.ForChain(ChainId).Digest(StructHash());

    public SignedTransaction Sign(PrivateKey key) => new(this, key.Sign(SigningHash()));
}
