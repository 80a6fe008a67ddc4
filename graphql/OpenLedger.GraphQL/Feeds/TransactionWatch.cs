using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Feeds;

/// <summary>Follows one transaction: emits its status now, then its committed view once, then completes.
/// It subscribes to the block feed before reading the current status, so a commit that lands in between is
/// never missed, and a lock makes sure the committed view is emitted exactly once.</summary>
public sealed class TransactionWatch(BlockFeed feed, Func<Task<TransactionView>> readNow, Hash32 hash) : IObservable<TransactionView>
{
    public IDisposable Subscribe(IObserver<TransactionView> observer)
    {
        var gate = new object();
        var done = false;
        var initialSent = false;
        TransactionView? early = null; // committed before the initial read was sent
        IDisposable? upstream = null;

        void Finish(TransactionView committed)
        {
            observer.OnNext(committed);
            observer.OnCompleted();
            done = true;
            upstream?.Dispose();
        }

        upstream = feed.Blocks.OnEach(b =>
        {
            var tx = b.Transactions.FirstOrDefault(t => t.Hash == hash);
            if (tx is null) return;
            lock (gate)
            {
                if (done) return;
                if (initialSent) Finish(tx); else early = tx;
            }
        });

        _ = Task.Run(async () =>
        {
            TransactionView now;
            try { now = await readNow(); }
            catch (Exception e) { lock (gate) { if (!done) { done = true; observer.OnError(e); upstream.Dispose(); } } return; }
            lock (gate)
            {
                if (done) return;
                if (now.Status == TxStatus.Committed) { Finish(now); return; }
                observer.OnNext(now);
                initialSent = true;
                if (early is not null) Finish(early);
            }
        });

        return new Unsubscribe(() => { lock (gate) done = true; upstream.Dispose(); });
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) action(); }
    }
}
