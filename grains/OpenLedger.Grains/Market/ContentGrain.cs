using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Content;

namespace OpenLedger.Grains.Market;

/// <summary>Uploads to and reads from the node's content store. The chain's contribution size limit applies here,
/// so nothing that could never be contributed is stored.</summary>
[StatelessWorker]
public sealed class ContentGrain(LedgerNode node) : Grain, IContentGrain
{
    private IContentStore Store => node.Content ?? throw new InvalidOperationException("this node has no content store");

    public async Task<ContentPutResult> PutAsync(byte[] content)
    {
        var max = node.Rules.Market.MaxContributionBytes;
        if ((ulong)content.Length > max)
            return new(null, nameof(Core.Errors.ErrorCode.ContributionTooLarge), $"the content is {content.Length} bytes; the chain's limit is {max}");
        if (content.Length == 0)
            return new(null, nameof(Core.Errors.ErrorCode.InvalidField), "empty content is not a contribution");
        try
        {
            return new(Descriptor(await Store.PutAsync(content)), null, null);
        }
        catch (ContentTooLargeException e)
        {
            return new(null, nameof(Core.Errors.ErrorCode.ContributionTooLarge), e.Message);
        }
    }

    public async Task<ContentDescriptor?> GetInfoAsync(Hash32 hash) => await Store.GetInfoAsync(hash) is { } i ? Descriptor(i) : null;

    public Task<byte[]?> GetAsync(Hash32 hash) => Store.GetAsync(hash);

    private static ContentDescriptor Descriptor(ContentInfo i) => new(i.Hash, i.NormalizedHash, i.Size, i.CreatedMs);
}
