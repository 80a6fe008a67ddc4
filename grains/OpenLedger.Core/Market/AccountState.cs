using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Market;

/// <summary>An account's committed state: its balance and the nonce its next transaction must carry.</summary>
public readonly record struct AccountState(Wei Balance, ulong Nonce)
{
    public static readonly AccountState Empty = new(Wei.Zero, 0);

    /// <summary>The account's item in the state tree: keccak256(address || balance uint256 || nonce uint64).</summary>
    public Hash32 Commitment(Address address)
    {
        Span<byte> b = stackalloc byte[Address.Length + 32 + 8];
        address.CopyTo(b);
        Balance.WriteUInt256(b[Address.Length..]);
        BinaryPrimitives.WriteUInt64BigEndian(b[(Address.Length + 32)..], Nonce);
        return Keccak256.Hash(b);
    }
}
