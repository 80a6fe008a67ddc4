using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>The chain's identity and head, and the long-poll through which clients learn of new blocks.
/// Reentrant: many callers wait at once; state changes happen only in <see cref="PublishAsync"/>.</summary>
[Reentrant]
public sealed class ChainGrain(LedgerNode node) : Grain, IChainGrain
{
    private const int Recent = 256;
    // ~1M entries is ~64 MB of hashes and snapshots: 256 blocks at a few thousand transactions each, fewer when fuller.
    private const long RecentEntries = 1 << 20;
    private readonly RecentBlocks _recent = new(Recent, RecentEntries);
    private long _headHeight;
    private Hash32 _headHash;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await node.Store.GetHeadAsync(cancellationToken);
        (_headHeight, _headHash) = head is null ? (0, node.GenesisHash) : (head.Height, head.Hash);
    }

    // The rules never change: the view is rebuilt only when the head moves (every explorer query asks for it).
    private ChainInfo? _info;

    public Task<ChainInfo> GetInfoAsync()
    {
        if (_info is null || _info.HeadHeight != _headHeight)
            _info = _info is null
                ? new ChainInfo(node.Rules.ChainId, node.Rules.Name, node.GenesisHash, node.Rules.Producer, node.Rules.GasPriceFloor,
                    node.Rules.BlockIntervalMs, node.Rules.GasSchedule.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
                    _headHeight, _headHash) {
                    Dev = node.Rules.Dev, MaxAttributions = node.Rules.Market.MaxAttributions, TotalSupply = node.Rules.TotalSupply,
                    DevSeed = node.Rules.Dev ? node.Rules.DevSeed : null, DevAccountCount = node.Rules.Dev ? node.Rules.DevAccountCount : 0,
                    MaxContributionBytes = node.Rules.Market.MaxContributionBytes,
                }
                : _info with { HeadHeight = _headHeight, HeadHash = _headHash };
        return Task.FromResult(_info);
    }

    public async Task<long?> HeightOfAsync(Hash32 blockHash)
    {
        return _recent.HeightOf(blockHash) ?? await node.Store.GetHeightOfBlockAsync(blockHash);
    }

    public Task PublishAsync(BlockCommitted block)
    {
        if (block.Height <= _headHeight && _recent.Count > 0) return Task.CompletedTask; // a repeat
        _recent.Add(block);
        (_headHeight, _headHash) = (block.Height, block.BlockHash);
        var previous = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.SetResult();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout)
    {
        if (_headHeight <= afterHeight)
        {
            // WaitAsync disposes its timer as soon as a block arrives: no timer outlives the call.
            try { await _next.Task.WaitAsync(timeout); }
            catch (TimeoutException) { return []; }
        }
        if (_recent.After(afterHeight) is { } held) return held;
        // The caller is behind what memory holds (e.g. after a restart): read the gap from the store, a page at a time.
        return await ReadFromStoreAsync(afterHeight + 1, Math.Min(_headHeight, afterHeight + Recent));
    }

    private async Task<IReadOnlyList<BlockCommitted>> ReadFromStoreAsync(long from, long to)
    {
        var list = new List<BlockCommitted>();
        for (var h = from; h <= to; h++)
        {
            var block = await GrainFactory.GetGrain<IBlockGrain>(h).GetAsync();
            if (block is null) break;
            list.Add(new BlockCommitted(block.Height, block.Hash, block.TimestampMs, block.TransactionHashes, [], []));
        }
        return list;
    }
}
