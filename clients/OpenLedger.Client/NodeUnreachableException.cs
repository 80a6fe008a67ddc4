namespace OpenLedger.Client;

/// <summary>Nothing answered at the node's URL (connection refused, unknown host, or no connection within the connect
/// timeout): no request reached a node, so nothing was submitted.</summary>
public sealed class NodeUnreachableException(Uri node, string reason, Exception? inner = null)
    : Exception($"cannot reach a node at {node}: {reason} (is `openledger run` running there? give the node's GraphQL URL with --node or OPENLEDGER_NODE)", inner)
{
    public Uri Node { get; } = node;
}
