namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// Live gauges of the WebSocket transport. A subscription that outlives its client is a leak that only shows up
/// under load; these numbers make it observable (health checks, metrics, and the transport's own leak tests).
/// </summary>
public sealed class GraphQLTransportCounters
{
    private long _openConnections;
    private long _activeOperations;

    /// <summary>WebSocket connections currently open on the GraphQL endpoint.</summary>
    public long OpenWebSocketConnections => Interlocked.Read(ref _openConnections);

    /// <summary>Operations (subscriptions and in-flight queries) currently registered on those connections.</summary>
    public long ActiveWebSocketOperations => Interlocked.Read(ref _activeOperations);

    internal void ConnectionOpened() => Interlocked.Increment(ref _openConnections);
    internal void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);
    internal void OperationStarted() => Interlocked.Increment(ref _activeOperations);
    internal void OperationEnded() => Interlocked.Decrement(ref _activeOperations);
}
