using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>A transaction's status (key: its 0x hash). Reentrant: it keeps no state, and waiters must not queue behind each other.</summary>
[Reentrant]
public sealed class TransactionGrain(LedgerNode node) : Grain, ITransactionGrain
{
    private Hash32 Hash => Hash32.Parse(this.GetPrimaryKeyString());

    public async Task<TransactionView> GetAsync()
    {
        var record = await node.Store.GetTransactionAsync(Hash);
        if (record is not null) return TransactionViews.Committed(record);
        return await GrainFactory.GetGrain<IMempoolGrain>(0).ContainsAsync(Hash)
            ? TransactionViews.Pending(Hash) : TransactionViews.Unknown(Hash);
    }

    public async Task<TransactionView> WaitForCommitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var chain = GrainFactory.GetGrain<IChainGrain>(0);
        // Read the head first, then the store: a commit between the two is then seen by the wait below.
        var seen = (await chain.GetInfoAsync()).HeadHeight;
        var view = await GetAsync();
        while (view.Status != TxStatus.Committed)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return view;
            var blocks = await chain.WaitForBlocksAsync(seen, left);
            if (blocks.Count == 0) { view = await GetAsync(); continue; }
            seen = blocks[^1].Height;
            if (blocks.Any(b => b.Included.Contains(Hash))) view = await GetAsync();
        }
        return view;
    }
}
