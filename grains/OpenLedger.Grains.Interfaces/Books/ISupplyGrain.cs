using OpenLedger.Core.Money;

namespace OpenLedger.Grains.Books;

/// <summary>The supply and what the marketplace holds of it (key 0).</summary>
public interface ISupplyGrain : IGrainWithIntegerKey
{
    Task<SupplyView> GetAsync();
}

/// <summary>The supply (the genesis allocations; no transaction changes it) and the wei the marketplace holds at
/// <see cref="AsOfHeight"/>: open inferences' escrows and pending contributions' stakes. The rest is in balances.</summary>
[GenerateSerializer, Immutable, Alias("openledger.SupplyView")]
public sealed record SupplyView(
    [property: Id(0)] Wei TotalSupply,
    [property: Id(1)] Wei Escrow,
    [property: Id(2)] Wei Stake,
    [property: Id(3)] long AsOfHeight);
