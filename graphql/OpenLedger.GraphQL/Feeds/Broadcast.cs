namespace OpenLedger.GraphQL.Feeds;

/// <summary>A minimal hot observable: every subscriber gets each value published after it subscribed; disposing
/// the subscription removes it at once (so a completed or dropped GraphQL subscription holds nothing).</summary>
public sealed class Broadcast<T> : IObservable<T>
{
    private volatile IObserver<T>[] _observers = [];
    private readonly object _gate = new();

    public IDisposable Subscribe(IObserver<T> observer)
    {
        lock (_gate) _observers = [.. _observers, observer];
        return new Unsubscriber(this, observer);
    }

    /// <summary>Whether anyone listens now: a publisher whose values are costly to make skips them when nobody does.</summary>
    public bool HasSubscribers => _observers.Length > 0;

    public void Publish(T value)
    {
        foreach (var o in _observers)
        {
            try { o.OnNext(value); }
            catch (Exception) { /* one broken subscriber must not starve the others; it is removed when its connection closes */ }
        }
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate) _observers = _observers.Where(o => !ReferenceEquals(o, observer)).ToArray();
    }

    private sealed class Unsubscriber(Broadcast<T> owner, IObserver<T> observer) : IDisposable
    {
        private int _disposed;
        public void Dispose() { if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(observer); }
    }
}
