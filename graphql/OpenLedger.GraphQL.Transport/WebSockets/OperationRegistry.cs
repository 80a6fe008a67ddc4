namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// The operations open on one connection, by id. It is what makes ids unique (4409 on a duplicate), what bounds how
/// many a client may hold, and what lets the connection dispose every stream when the socket closes, so no server
/// side subscription outlives its client.
/// </summary>
internal sealed class OperationRegistry(int maxOperations, GraphQLTransportCounters counters)
{
    private readonly Dictionary<string, ActiveOperation> _operations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _closed;

    public enum AddResult { Added, Duplicate, LimitReached, Closed }

    public AddResult TryAdd(string id, out ActiveOperation? operation)
    {
        operation = null;
        lock (_gate)
        {
            if (_closed) return AddResult.Closed;
            if (_operations.ContainsKey(id)) return AddResult.Duplicate;
            if (_operations.Count >= maxOperations) return AddResult.LimitReached;
            operation = new ActiveOperation(id);
            _operations.Add(id, operation);
        }
        counters.OperationStarted();
        return AddResult.Added;
    }

    /// <summary>
    /// Unregisters an operation the server is ending. True for exactly one caller, so exactly one terminal message
    /// (<c>complete</c> or <c>error</c>) is sent. The id is free for reuse as soon as this returns.
    /// </summary>
    public bool TryRemove(ActiveOperation operation)
    {
        lock (_gate)
        {
            if (!_operations.TryGetValue(operation.Id, out var registered) || !ReferenceEquals(registered, operation)) return false;
            _operations.Remove(operation.Id);
        }
        counters.OperationEnded();
        return true;
    }

    /// <summary>The client's <c>complete</c>: ends the operation with that id, if it is still open. Unknown ids are ignored.</summary>
    public void Cancel(string id)
    {
        ActiveOperation? operation;
        lock (_gate)
        {
            if (!_operations.Remove(id, out operation)) return;
        }
        counters.OperationEnded();
        operation.Cancel();
    }

    /// <summary>The connection is closing: end everything and refuse new operations.</summary>
    public void CancelAll()
    {
        ActiveOperation[] operations;
        lock (_gate)
        {
            _closed = true;
            operations = [.. _operations.Values];
            _operations.Clear();
        }
        foreach (var operation in operations)
        {
            counters.OperationEnded();
            operation.Cancel();
        }
    }
}
