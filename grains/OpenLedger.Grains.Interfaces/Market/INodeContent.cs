using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Market;

/// <summary>The node's content store as the silo's own services reach it: bytes by hash, read and written in process
/// rather than through a grain turn, because what the ML role moves (a datanet version's examples, adapters of
/// megabytes, inference inputs and outputs) should not be copied through a grain call. The ledger's hosting registers
/// it (<c>AddOpenLedger</c>); every silo of a cluster reads the same store. Clients and the gateway upload and read
/// through <see cref="IContentGrain"/>, which applies the chain's contribution size limit.</summary>
public interface INodeContent
{
    /// <summary>The content with this hash, or null if the store does not hold it.</summary>
    Task<byte[]?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default);

    /// <summary>Stores the content (storing the same bytes again is a no-op) and returns its hash.</summary>
    Task<Hash32> PutAsync(byte[] content, CancellationToken cancellationToken = default);
}
