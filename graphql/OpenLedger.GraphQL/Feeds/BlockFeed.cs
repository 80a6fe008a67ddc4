using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Feeds;

/// <summary>One committed block as subscriptions see it: the header view and its transactions (with receipts).</summary>
public sealed record CommittedBlock(BlockView Block, IReadOnlyList<TransactionView> Transactions);

/// <summary>The gateway's single follower of the chain: it long-polls the chain grain and fans each committed block
/// out to every subscription in this process. A thousand subscribers cost one poll and one block read, not a thousand.</summary>
public sealed class BlockFeed(IGrainFactory grains, ILogger<BlockFeed> logger) : BackgroundService
{
    public Broadcast<CommittedBlock> Blocks { get; } = new();

    /// <summary>The height of the last block published (subscriptions start after it).</summary>
    public long Height { get; private set; } = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var chain = grains.GetGrain<IChainGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (Height < 0) Height = (await chain.GetInfoAsync()).HeadHeight;
                var blocks = await chain.WaitForBlocksAsync(Height, TimeSpan.FromSeconds(20));
                foreach (var b in blocks)
                {
                    if (b.Height <= Height) continue;
                    if (!Blocks.HasSubscribers)
                    {
                        // Reading a block back (its rows, receipts and views) costs as much per transaction as committing
                        // it: with nobody to hand it to, only move on. A subscriber that comes later starts after Height,
                        // and a transaction watch reads the status itself after subscribing, so nothing is missed.
                        Height = b.Height;
                        continue;
                    }
                    var grain = grains.GetGrain<IBlockGrain>(b.Height);
                    var view = await grain.GetAsync();
                    if (view is null) break;
                    var txs = view.TransactionHashes.Count == 0 ? [] : await grain.GetTransactionsAsync();
                    Height = b.Height;
                    Blocks.Publish(new CommittedBlock(view, txs));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The cluster may be restarting; keep following once it is back.
                logger.LogWarning(e, "Block feed: polling the chain failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
