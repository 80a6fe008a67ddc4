using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Ledger;

public enum ReceiptStatus : byte { Failed = 0, Success = 1 }

/// <summary>The outcome of a transaction included in a block. A failed transaction still paid its fee and used its nonce.</summary>
public sealed record Receipt(Hash32 TxHash, int Index, ReceiptStatus Status, ErrorCode Error, ulong GasUsed, Wei Fee)
{
    /// <summary>keccak256(txHash || status u8 || error u16 || gasUsed u64 || fee uint256): the receipts-tree item.</summary>
    public Hash32 Commitment()
    {
        Span<byte> b = stackalloc byte[32 + 1 + 2 + 8 + 32];
        TxHash.CopyTo(b);
        b[32] = (byte)Status;
        BinaryPrimitives.WriteUInt16BigEndian(b[33..], (ushort)Error);
        BinaryPrimitives.WriteUInt64BigEndian(b[35..], GasUsed);
        Fee.WriteUInt256(b[43..]);
        return Keccak256.Hash(b);
    }
}
