using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>A model's view grain: the committed model.</summary>
public sealed class ModelGrain(LedgerNode node) : Grain, IModelGrain
{
    public async Task<MarketObjectView?> GetAsync() =>
        MarketQueryGrain.View(await node.Store.GetObjectAsync(Hash32.Parse(this.GetPrimaryKeyString())));
}
