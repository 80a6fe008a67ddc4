using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Market;

/// <summary>Content as stored off chain: its hash (what a Contribute transaction names), the hash of its normalized
/// form (exact-duplicate detection) and its size (what the fee is charged on).</summary>
[GenerateSerializer, Immutable, Alias("openledger.ContentDescriptor")]
public sealed record ContentDescriptor([property: Id(0)] Hash32 Hash, [property: Id(1)] Hash32 NormalizedHash, [property: Id(2)] long Size, [property: Id(3)] long CreatedMs);

/// <summary>The outcome of an upload: the descriptor, or a stable error code (ContributionTooLarge, InvalidField) and a message.</summary>
[GenerateSerializer, Immutable, Alias("openledger.ContentPutResult")]
public sealed record ContentPutResult([property: Id(0)] ContentDescriptor? Content, [property: Id(1)] string? ErrorCode, [property: Id(2)] string? Message)
{
    public bool Ok => Content is not null;
}

/// <summary>The node's content-addressed store (stateless workers): uploads within the chain's contribution size
/// limit, and reads by hash. Every silo of a cluster shares it (it lives in the node's database).</summary>
public interface IContentGrain : IGrainWithIntegerKey
{
    Task<ContentPutResult> PutAsync(byte[] content);
    Task<ContentDescriptor?> GetInfoAsync(Hash32 hash);
    Task<byte[]?> GetAsync(Hash32 hash);
}
