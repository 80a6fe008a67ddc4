using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
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

/// <summary>A verified transaction travels as its raw bytes, and is verified again where it arrives: whoever holds a
/// connection to a silo could otherwise hand a grain any bytes as "verified" (a transfer from someone else's account
/// with no signature at all). Recovery is skipped for bytes the receiving process verified itself lately
/// (<see cref="RecentlyVerified"/>), so a single-silo node pays nothing: in-silo calls pass immutable values by
/// reference and never come through here.</summary>
[GenerateSerializer, Immutable, Alias("openledger.VerifiedTransaction")]
public struct VerifiedTransactionSurrogate { [Id(0)] public byte[] Raw; }

[RegisterConverter]
public sealed class VerifiedTransactionConverter : IConverter<VerifiedTransaction, VerifiedTransactionSurrogate>
{
    public VerifiedTransaction ConvertFromSurrogate(in VerifiedTransactionSurrogate s)
    {
        var error = TransactionVerifier.Reverify(s.Raw ?? [], out var verified);
        if (error.IsError) throw new UnverifiedTransactionException(error);
        return verified!;
    }

    public VerifiedTransactionSurrogate ConvertToSurrogate(in VerifiedTransaction v) => new() { Raw = v.Raw };
}

/// <summary>A message carried a transaction as verified whose signature does not verify: the call is refused before
/// any grain sees it.</summary>
[GenerateSerializer, Alias("openledger.UnverifiedTransactionException")]
public sealed class UnverifiedTransactionException : Exception
{
    public UnverifiedTransactionException(LedgerError error) : base($"a transaction passed as verified does not verify: {error}") => Code = error.Code.ToString();

    public UnverifiedTransactionException() { }

    /// <summary>The ledger's error code (BadSignature, SignerMismatch, HighSSignature, or a decoding code).</summary>
    [Id(0)] public string? Code { get; init; }
}
