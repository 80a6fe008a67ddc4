namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>
/// A cold observable of <c>0..count-1</c>, one value every <c>intervalMs</c>. Each subscription runs its own loop and
/// reports to the <see cref="StreamTracker"/> when it is subscribed and when it is disposed, so the tests see exactly
/// whether the transport released it. Optionally fails after its values, to exercise stream errors.
/// </summary>
public sealed class TickStream(int count, int intervalMs, StreamTracker tracker, Exception? failWith = null) : IObservable<object?>
{
    public IDisposable Subscribe(IObserver<object?> observer)
    {
        tracker.OnSubscribed();
        var subscription = new Subscription(tracker);
        _ = RunAsync(observer, subscription.Token);
        return subscription;
    }

    private async Task RunAsync(IObserver<object?> observer, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(Math.Max(1, intervalMs), cancellationToken);
                observer.OnNext(i);
            }
            if (failWith is not null) observer.OnError(failWith);
            else observer.OnCompleted();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class Subscription(StreamTracker tracker) : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();
        private int _disposed;

        public CancellationToken Token => _cancellation.Token;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _cancellation.Cancel();
            tracker.OnDisposed();
        }
    }
}
