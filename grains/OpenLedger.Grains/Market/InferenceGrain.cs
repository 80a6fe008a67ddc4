using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>An inference's view grain: its committed state, read from the store. Reentrant, so the many readers of a
/// watched inference (one per GraphQL subscription, each block) share one activation.</summary>
[Reentrant]
public sealed class InferenceGrain(LedgerNode node) : Grain, IInferenceGrain
{
    public async Task<MarketObjectView?> GetAsync() =>
        MarketQueryGrain.View(await node.Store.GetObjectAsync(Hash32.Parse(this.GetPrimaryKeyString())));
}
