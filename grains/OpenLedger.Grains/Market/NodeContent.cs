using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Content;

namespace OpenLedger.Grains.Market;

/// <summary><see cref="INodeContent"/> over the node's content store (<see cref="LedgerNode.Content"/>).</summary>
public sealed class NodeContent(LedgerNode node) : INodeContent
{
    private IContentStore Store => node.Content ?? throw new InvalidOperationException("this node has no content store");

    public Task<byte[]?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default) => Store.GetAsync(hash, cancellationToken);

    public async Task<Hash32> PutAsync(byte[] content, CancellationToken cancellationToken = default) =>
        (await Store.PutAsync(content, cancellationToken)).Hash;
}
