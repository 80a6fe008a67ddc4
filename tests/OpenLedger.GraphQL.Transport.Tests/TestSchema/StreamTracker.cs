namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>
/// Counts the test schema's event streams that were subscribed and not yet disposed, and the slow resolvers that were
/// cancelled. The leak tests read these: a transport that forgets a subscription leaves <see cref="Live"/> above zero.
/// </summary>
public sealed class StreamTracker
{
    private long _subscribed;
    private long _disposed;
    private long _slowCancelled;

    public long Subscribed => Interlocked.Read(ref _subscribed);
    public long Live => Interlocked.Read(ref _subscribed) - Interlocked.Read(ref _disposed);
    public long SlowCancelled => Interlocked.Read(ref _slowCancelled);

    internal void OnSubscribed() => Interlocked.Increment(ref _subscribed);
    internal void OnDisposed() => Interlocked.Increment(ref _disposed);
    internal void OnSlowCancelled() => Interlocked.Increment(ref _slowCancelled);

    /// <summary>Waits until no stream is live (disposal can trail the client's complete by a moment).</summary>
    public async Task<bool> WaitForNoLiveStreamsAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Live != 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        return Live == 0;
    }
}
