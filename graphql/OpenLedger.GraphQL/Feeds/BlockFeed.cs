using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Feeds;

/// <summary>One committed block as subscriptions see it: the header view and its transactions (with receipts).</summary>
public sealed record CommittedBlock(BlockView Block, IReadOnlyList<TransactionView> Transactions);

/// <summary>The gateway's single follower of the chain: it long-polls the chain grain and fans each committed block
/// out to every subscription in this process. A thousand subscribers cost one poll and one block read, not a thousand.
/// It survives the death of the silo holding the chain grain (or a block it reads): a failed or hung poll is retried
/// from <see cref="Height"/>, the last block it delivered, and the re-activated chain grain answers a poll behind its head
/// from the store, so every subscriber still sees each height once and in order.</summary>
public sealed class BlockFeed(IGrainFactory grains, ILogger<BlockFeed> logger) : BackgroundService
{
    /// <summary>How long the chain grain holds one poll when no block comes.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the feed waits for one poll before giving it up and asking again. A poll held by a silo killed
    /// meanwhile gets no answer until Orleans' response timeout (30 s); it is re-sent sooner, and reaches the chain grain's
    /// new activation once the dead silo is declared dead. The margin covers a poll that reads a gap from the store.
    /// Block reads keep Orleans' own timeout: a large block may take seconds to read back on a loaded node.</summary>
    public static readonly TimeSpan CallTimeout = PollTimeout + TimeSpan.FromSeconds(5);

    /// <summary>The pause before retrying after a failed call.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

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
                if (Height < 0) Height = (await chain.GetInfoAsync().WaitAsync(CallTimeout, stoppingToken)).HeadHeight;
                var blocks = await chain.WaitForBlocksAsync(Height, PollTimeout).WaitAsync(CallTimeout, stoppingToken);
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
                // A silo died or the cluster is restarting: keep following from the last block delivered once it is back.
                logger.LogWarning("Block feed: polling the chain after height {Height} failed ({Error}: {Message}); retrying",
                    Height, e.GetType().Name, e.Message);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
