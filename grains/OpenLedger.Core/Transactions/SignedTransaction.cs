using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>A transaction with its signature, and its wire encoding (see <see cref="TransactionCodec"/>).</summary>
public sealed record SignedTransaction(Transaction Tx, Signature Signature)
{
    private Hash32? _hash;

    /// <summary>The EIP-712 digest of the transaction (the same value ethers' TypedDataEncoder.hash gives).</summary>
    public Hash32 Hash => _hash ??= Tx.SigningHash();

    public byte[] Encode()
    {
        var bodyLength = BodyFormat.EncodedLength(Tx.Body);
        var buf = new byte[TransactionCodec.HeaderLength + bodyLength + Crypto.Signature.Length];
        var s = buf.AsSpan();
        s[0] = TransactionCodec.EnvelopeVersion;
        BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)Tx.Kind);
        BinaryPrimitives.WriteUInt64BigEndian(s[3..], Tx.ChainId);
        Tx.From.CopyTo(s[11..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[31..], Tx.Nonce);
        Tx.GasPrice.WriteUInt256(s[39..]);
        BinaryPrimitives.WriteUInt32BigEndian(s[71..], (uint)bodyLength);
        BodyFormat.Encode(Tx.Body, s.Slice(TransactionCodec.HeaderLength, bodyLength));
        Signature.CopyTo(s[(TransactionCodec.HeaderLength + bodyLength)..]);
        return buf;
    }
}
