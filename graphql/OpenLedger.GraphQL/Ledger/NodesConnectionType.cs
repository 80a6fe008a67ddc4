using GraphQL.Types;
using GraphQL.Types.Relay;
using GraphQL.Types.Relay.DataObjects;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>A Relay connection with the <c>nodes</c> shortcut clients expect (GraphQL.NET names its list
/// <c>items</c>; both are offered). Name: the node type's name + "Connection", e.g. BlockConnection.</summary>
public sealed class NodesConnectionType<TNodeGraph, TNode> : ConnectionType<TNodeGraph, EdgeType<TNodeGraph>>
    where TNodeGraph : IGraphType
{
    public NodesConnectionType()
    {
        Name = typeof(TNodeGraph).Name.Replace("Type", "", StringComparison.Ordinal) + "Connection";
        Field<ListGraphType<TNodeGraph>>("nodes")
            .Description("The nodes of the edges, without cursors.")
            .Resolve(c => ((Connection<TNode>)c.Source!).Items);
    }
}
