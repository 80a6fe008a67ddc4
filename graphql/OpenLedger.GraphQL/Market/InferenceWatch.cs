using OpenLedger.Core.Inference;
using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>One inference as it changes: its committed state now (waiting up to a minute for it to commit), then each newer committed state (served, settled,
/// expired), read with the inference grain's long-poll; completes once it is settled or expired. Driven from chain
/// state, so a result is never missed however the streams fare.</summary>
public sealed class InferenceWatch(IInferenceGrain grain) : IObservable<InferenceRequest>
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan NotYetCommitted = TimeSpan.FromSeconds(60);

    public IDisposable Subscribe(IObserver<InferenceRequest> observer)
    {
        var stop = new CancellationTokenSource();
        _ = RunAsync(observer, stop.Token);
        return new Stopper(stop);
    }

    private async Task RunAsync(IObserver<InferenceRequest> observer, CancellationToken cancellationToken)
    {
        try
        {
            // A client subscribes right after sending RequestInference: an inference not committed yet is waited for.
            var view = await grain.WaitForChangeAsync(0, NotYetCommitted);
            if (view is null)
            {
                observer.OnError(new ArgumentException($"no such inference on this chain (none committed within {NotYetCommitted.TotalSeconds:F0} s)"));
                return;
            }
            var height = view.UpdatedHeight;
            observer.OnNext(view.As<InferenceRequest>());
            while (!cancellationToken.IsCancellationRequested && view.As<InferenceRequest>().IsOpen)
            {
                view = await grain.WaitForChangeAsync(height, Poll) ?? view;
                if (view.UpdatedHeight <= height) continue;
                height = view.UpdatedHeight;
                if (!cancellationToken.IsCancellationRequested) observer.OnNext(view.As<InferenceRequest>());
            }
            if (!cancellationToken.IsCancellationRequested) observer.OnCompleted();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            observer.OnError(e);
        }
    }

    private sealed class Stopper(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose() => stop.Cancel();
    }
}
