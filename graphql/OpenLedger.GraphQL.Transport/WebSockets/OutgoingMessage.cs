using GraphQL;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// A server-to-client message waiting to be sent. It names the operation it belongs to so the sender can drop it if
/// the client completed that operation while it waited.
/// </summary>
internal sealed record OutgoingMessage(string Type, ActiveOperation? Operation = null, string? Id = null,
    ExecutionResult? Result = null, ExecutionErrors? Errors = null)
{
    public static readonly OutgoingMessage ConnectionAck = new(GraphQLWsProtocol.ConnectionAck);
    public static readonly OutgoingMessage Pong = new(GraphQLWsProtocol.Pong);

    public static OutgoingMessage Next(ActiveOperation operation, ExecutionResult result) =>
        new(GraphQLWsProtocol.Next, operation, operation.Id, Result: result);

    public static OutgoingMessage Complete(ActiveOperation operation) =>
        new(GraphQLWsProtocol.Complete, operation, operation.Id);

    public static OutgoingMessage Error(ActiveOperation? operation, string id, ExecutionErrors errors) =>
        new(GraphQLWsProtocol.Error, operation, id, Errors: errors);
}
