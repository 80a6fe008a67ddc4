using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>An inference's view grain. Waiting for its next change rides on the chain grain's block long-poll:
/// each new block, the committed inference is read again. Reentrant, so many waiters share one activation.</summary>
[Reentrant]
public sealed class InferenceGrain(LedgerNode node) : Grain, IInferenceGrain
{
    public async Task<MarketObjectView?> GetAsync() =>
        MarketQueryGrain.View(await node.Store.GetObjectAsync(Hash32.Parse(this.GetPrimaryKeyString())));

    public async Task<MarketObjectView?> WaitForChangeAsync(long afterHeight, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + (timeout > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : timeout);
        var chain = GrainFactory.GetGrain<IChainGrain>(0);
        while (true)
        {
            var head = (await chain.GetInfoAsync()).HeadHeight;
            var current = await GetAsync();
            if (current is not null && current.UpdatedHeight > afterHeight) return current;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return current;
            await chain.WaitForBlocksAsync(head, left);
        }
    }
}
