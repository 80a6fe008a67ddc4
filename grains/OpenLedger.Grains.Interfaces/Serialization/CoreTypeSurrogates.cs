using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Grains.Serialization;

// The ledger core knows nothing of Orleans; these surrogates teach Orleans' serializer its value types.

[GenerateSerializer, Immutable, Alias("openledger.Hash32")]
public struct Hash32Surrogate { [Id(0)] public byte[] Bytes; }

[RegisterConverter]
public sealed class Hash32Converter : IConverter<Hash32, Hash32Surrogate>
{
    public Hash32 ConvertFromSurrogate(in Hash32Surrogate s) => new(s.Bytes);
    public Hash32Surrogate ConvertToSurrogate(in Hash32 v) => new() { Bytes = v.ToArray() };
}

[GenerateSerializer, Immutable, Alias("openledger.Address")]
public struct AddressSurrogate { [Id(0)] public byte[] Bytes; }

[RegisterConverter]
public sealed class AddressConverter : IConverter<Address, AddressSurrogate>
{
    public Address ConvertFromSurrogate(in AddressSurrogate s) => new(s.Bytes);
    public AddressSurrogate ConvertToSurrogate(in Address v) => new() { Bytes = v.ToArray() };
}

[GenerateSerializer, Immutable, Alias("openledger.Wei")]
public struct WeiSurrogate { [Id(0)] public ulong Upper; [Id(1)] public ulong Lower; }

[RegisterConverter]
public sealed class WeiConverter : IConverter<Wei, WeiSurrogate>
{
    public Wei ConvertFromSurrogate(in WeiSurrogate s) => new(new UInt128(s.Upper, s.Lower));
    public WeiSurrogate ConvertToSurrogate(in Wei v) => new() { Upper = (ulong)(v.Value >> 64), Lower = (ulong)v.Value };
}

/// <summary>A verified transaction travels as its raw bytes; the receiving side decodes without re-checking
/// the signature (it was verified inside the cluster, which trusts its own silos).</summary>
[GenerateSerializer, Immutable, Alias("openledger.VerifiedTransaction")]
public struct VerifiedTransactionSurrogate { [Id(0)] public byte[] Raw; }

[RegisterConverter]
public sealed class VerifiedTransactionConverter : IConverter<VerifiedTransaction, VerifiedTransactionSurrogate>
{
    public VerifiedTransaction ConvertFromSurrogate(in VerifiedTransactionSurrogate s)
    {
        var error = TransactionCodec.TryDecode(s.Raw, out var signed, int.MaxValue);
        if (error.IsError) throw new InvalidOperationException($"a verified transaction failed to decode: {error}");
        return new VerifiedTransaction(signed!, s.Raw);
    }

    public VerifiedTransactionSurrogate ConvertToSurrogate(in VerifiedTransaction v) => new() { Raw = v.Raw };
}
