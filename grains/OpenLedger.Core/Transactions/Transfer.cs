using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Transactions;

/// <summary>Moves <see cref="Amount"/> wei from the sender to <see cref="To"/>.</summary>
public sealed record Transfer(Address To, Wei Amount) : ITxBody
{
    public const int Length = Address.Length + 32;

    private static readonly TypedField[] TypedFields = [new("to", "address"), new("amount", "uint256")];

    public TxKind Kind => TxKind.Transfer;
    public IReadOnlyList<TypedField> Fields => TypedFields;
    public int EncodedLength => Length;

    public void HashFields(ref StructHasher hasher)
    {
        hasher.Address(To);
        hasher.UInt(Amount);
    }

    public IEnumerable<KeyValuePair<string, string>> MessageValues() =>
    [
        new("to", To.ToString()),
        new("amount", Amount.ToString()),
    ];

    public void Encode(Span<byte> destination)
    {
        To.CopyTo(destination);
        Amount.WriteUInt256(destination[Address.Length..]);
    }

    public static LedgerError TryDecode(ReadOnlySpan<byte> body, out ITxBody? decoded)
    {
        decoded = null;
        if (body.Length != Length)
            return new(ErrorCode.MalformedTransaction, $"a Transfer body is {Length} bytes, got {body.Length}");
        if (!Wei.TryReadUInt256(body[Address.Length..], out var amount))
            return new(ErrorCode.AmountOverflow, "the amount exceeds 2^128 - 1 wei");
        decoded = new Transfer(new Address(body[..Address.Length]), amount);
        return LedgerError.None;
    }
}
