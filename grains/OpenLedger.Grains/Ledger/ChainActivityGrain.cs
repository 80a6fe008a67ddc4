using Orleans.Concurrency;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>Reads the newest blocks' stamps straight from the store; the height range comes from the head, so the
/// read never covers more than <see cref="ChainActivityLimits.MaxBlocks"/> rows however old the window's start.</summary>
[StatelessWorker]
public sealed class ChainActivityGrain(LedgerNode node) : Grain, IChainActivityGrain
{
    public async Task<IReadOnlyList<BlockStampView>> GetRecentBlocksAsync(long sinceMs, int limit)
    {
        limit = Math.Clamp(limit, 1, ChainActivityLimits.MaxBlocks);
        var head = (await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
        var stamps = await node.Store.GetBlockStampsAsync(Math.Max(0, head - limit + 1), head, sinceMs);
        return stamps.Select(s => new BlockStampView(s.Height, s.TimestampMs, s.TransactionCount)).ToList();
    }
}
