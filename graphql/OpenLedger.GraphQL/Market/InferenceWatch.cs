using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Feeds;

namespace OpenLedger.GraphQL.Market;

/// <summary>Follows one paid inference for the <c>inference(id)</c> subscription: emits it now, then at each committed
/// change (its result posted, settled, expired), and completes once it is closed. It rides on the gateway's block feed
/// (<see cref="BlockFeed"/>): after each committed block it reads the inference again and emits it if it changed, so a
/// thousand watched inferences cost the one chain long-poll the feed already makes. It listens to the feed before its
/// first read, so a change committed in between is not missed. An inference not committed yet (a client subscribes
/// right after sending RequestInference) is waited for up to a minute. Driven from chain state, not from a stream, so a
/// result is never missed however the streams fare.</summary>
public sealed class InferenceWatch(BlockFeed feed, IInferenceGrain grain) : IObservable<InferenceRequest>
{
    // Read again after this long without a block too: the feed may be reconnecting to a restarting cluster.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan NotYetCommitted = TimeSpan.FromSeconds(60);

    public IDisposable Subscribe(IObserver<InferenceRequest> observer)
    {
        var stop = new CancellationTokenSource();
        var blocks = new SemaphoreSlim(0);
        var upstream = feed.Blocks.OnEach(_ => blocks.Release());
        _ = RunAsync(observer, blocks, stop.Token).ContinueWith(_ => upstream.Dispose(), TaskScheduler.Default);
        return new Stopper(stop, upstream);
    }

    private async Task RunAsync(IObserver<InferenceRequest> observer, SemaphoreSlim blocks, CancellationToken cancellationToken)
    {
        try
        {
            var deadline = DateTime.UtcNow + NotYetCommitted;
            var view = await grain.GetAsync();
            while (view is null)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    observer.OnError(new ArgumentException($"no such inference on this chain (none committed within {NotYetCommitted.TotalSeconds:F0} s)"));
                    return;
                }
                await NextBlockAsync(blocks, left < Poll ? left : Poll, cancellationToken);
                view = await grain.GetAsync();
            }
            var height = view.UpdatedHeight;
            observer.OnNext(view.As<InferenceRequest>());
            while (!cancellationToken.IsCancellationRequested && view.As<InferenceRequest>().IsOpen)
            {
                await NextBlockAsync(blocks, Poll, cancellationToken);
                view = await grain.GetAsync() ?? view;
                if (view.UpdatedHeight <= height) continue;
                height = view.UpdatedHeight;
                if (!cancellationToken.IsCancellationRequested) observer.OnNext(view.As<InferenceRequest>());
            }
            if (!cancellationToken.IsCancellationRequested) observer.OnCompleted();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The subscriber left.
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            observer.OnError(e);
        }
    }

    /// <summary>Waits for the next block (or the timeout); blocks that came while the inference was being read count
    /// as one, since one read sees them all.</summary>
    private static async Task NextBlockAsync(SemaphoreSlim blocks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await blocks.WaitAsync(timeout, cancellationToken);
        while (blocks.Wait(0)) { }
    }

    private sealed class Stopper(CancellationTokenSource stop, IDisposable upstream) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            upstream.Dispose();
        }
    }
}
