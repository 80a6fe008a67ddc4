using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Transactions;

/// <summary>The wire envelope of a signed transaction:
/// <code>
/// version u8 (=1) | kind u16 | chainId u64 | from [20] | nonce u64 | gasPrice uint256 | bodyLength u32 | body | r [32] s [32] v u8
/// </code>
/// integers big-endian. Decoding checks every length and reports a stable error code; it never throws on input.</summary>
public static class TransactionCodec
{
    public const byte EnvelopeVersion = 1;
    public const int HeaderLength = 1 + 2 + 8 + 20 + 8 + 32 + 4;
    public const int DefaultMaxTransactionBytes = 16_384;

    public static LedgerError TryDecode(ReadOnlySpan<byte> raw, out SignedTransaction? tx, int maxBytes = DefaultMaxTransactionBytes)
    {
        tx = null;
        if (raw.Length > maxBytes)
            return new(ErrorCode.TransactionTooLarge, $"the transaction is {raw.Length} bytes; the limit is {maxBytes}");
        if (raw.Length < HeaderLength + Signature.Length)
            return new(ErrorCode.MalformedTransaction, $"too short: {raw.Length} bytes, the envelope alone is {HeaderLength + Signature.Length}");
        if (raw[0] != EnvelopeVersion)
            return new(ErrorCode.UnsupportedEnvelopeVersion, $"envelope version {raw[0]} is not supported (expected {EnvelopeVersion})");
        var kind = BinaryPrimitives.ReadUInt16BigEndian(raw[1..]);
        if (!TxBodies.IsKnown((TxKind)kind))
            return new(ErrorCode.UnknownKind, $"unknown transaction kind {kind}");
        var bodyLength = BinaryPrimitives.ReadUInt32BigEndian(raw[71..]);
        if (bodyLength != (ulong)(raw.Length - HeaderLength - Signature.Length))
            return new(ErrorCode.MalformedTransaction, $"declared body length {bodyLength} does not match the {raw.Length - HeaderLength - Signature.Length} bytes present");
        if (!Wei.TryReadUInt256(raw[39..71], out var gasPrice))
            return new(ErrorCode.AmountOverflow, "the gas price exceeds 2^128 - 1 wei");
        var bodyError = TxBodies.TryDecode((TxKind)kind, raw.Slice(HeaderLength, (int)bodyLength), out var body);
        if (bodyError.IsError) return bodyError;
        var transaction = new Transaction(
            ChainId: BinaryPrimitives.ReadUInt64BigEndian(raw[3..]),
            From: new Address(raw[11..31]),
            Nonce: BinaryPrimitives.ReadUInt64BigEndian(raw[31..]),
            GasPrice: gasPrice,
            Body: body!);
        tx = new SignedTransaction(transaction, Signature.Read(raw[(HeaderLength + (int)bodyLength)..]));
        return LedgerError.None;
    }
}
