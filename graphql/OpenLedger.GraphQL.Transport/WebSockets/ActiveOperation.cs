namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// One operation a client started with <c>subscribe</c>: its id, the token that cancels its execution, and the
/// subscription to its event stream. It ends exactly once, either by the server (result sent, stream completed) or by
/// the client (<c>complete</c>, or the socket going away); either way the stream subscription is disposed, which is
/// what releases the source observable.
/// </summary>
internal sealed class ActiveOperation(string id)
{
    // Never disposed on purpose: it owns no timer, and late readers of Token must not hit ObjectDisposedException.
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private bool _released;
    private volatile bool _cancelled;

    public string Id { get; } = id;

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>
    /// Set when the client ended the operation (or the connection closed): anything still queued for it is dropped,
    /// since the protocol says no further events are sent after the client's <c>complete</c>.
    /// </summary>
    public bool IsCancelled => _cancelled;

    /// <summary>Keeps the stream subscription; false (and the caller disposes it) when the operation already ended.</summary>
    public bool TryAttach(IDisposable subscription)
    {
        lock (_gate)
        {
            if (_released) return false;
            _subscription = subscription;
            return true;
        }
    }

    /// <summary>The server ended the operation: let go of the stream.</summary>
    public void Release()
    {
        IDisposable? subscription;
        lock (_gate)
        {
            if (_released) return;
            _released = true;
            subscription = _subscription;
            _subscription = null;
        }
        subscription?.Dispose();
    }

    /// <summary>The client ended the operation: drop its queued messages, stop its execution, let go of the stream.</summary>
    public void Cancel()
    {
        _cancelled = true;
        Release();
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on the token threw; the operation is over regardless.
        }
    }
}
