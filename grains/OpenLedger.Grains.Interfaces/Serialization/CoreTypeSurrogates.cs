using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Market;
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

/// <summary>A committed block's marketplace event (the producer hands a block's to the market relay).</summary>
[GenerateSerializer, Immutable, Alias("openledger.MarketEvent")]
public struct MarketEventSurrogate
{
    [Id(0)] public byte Kind;
    [Id(1)] public int TxIndex;
    [Id(2)] public Hash32 TxHash;
    [Id(3)] public Hash32 Subject;
    [Id(4)] public byte[]? Party;
    [Id(5)] public WeiSurrogate? Amount;
    [Id(6)] public byte[]? Datanet;
    [Id(7)] public byte[]? Model;
    [Id(8)] public byte[]? Contribution;
    [Id(9)] public byte[]? Inference;
    [Id(10)] public string? Detail;
}

[RegisterConverter]
public sealed class MarketEventConverter : IConverter<MarketEvent, MarketEventSurrogate>
{
    public MarketEvent ConvertFromSurrogate(in MarketEventSurrogate s) => new(
        (MarketEventKind)s.Kind, s.TxIndex, s.TxHash, s.Subject,
        s.Party is { } p ? new Address(p) : null,
        s.Amount is { } a ? new Wei(new UInt128(a.Upper, a.Lower)) : null,
        Hash(s.Datanet), Hash(s.Model), Hash(s.Contribution), Hash(s.Inference), s.Detail);

    public MarketEventSurrogate ConvertToSurrogate(in MarketEvent v) => new()
    {
        Kind = (byte)v.Kind, TxIndex = v.TxIndex, TxHash = v.TxHash, Subject = v.Subject,
        Party = v.Party?.ToArray(),
        Amount = v.Amount is { } a ? new WeiSurrogate { Upper = (ulong)(a.Value >> 64), Lower = (ulong)a.Value } : null,
        Datanet = v.Datanet?.ToArray(), Model = v.Model?.ToArray(), Contribution = v.Contribution?.ToArray(), Inference = v.Inference?.ToArray(),
        Detail = v.Detail,
    };

    private static Hash32? Hash(byte[]? bytes) => bytes is null ? null : new Hash32(bytes);
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
