namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// The names and numbers of the <c>graphql-transport-ws</c> protocol (graphql-ws's PROTOCOL.md). Close codes in the
/// 4400s mirror the HTTP status they are named after; their reasons are the protocol's own wording so clients that
/// match on them keep working.
/// </summary>
internal static class GraphQLWsProtocol
{
    public const string SubProtocol = "graphql-transport-ws";

    public const string ConnectionInit = "connection_init";
    public const string ConnectionAck = "connection_ack";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Subscribe = "subscribe";
    public const string Next = "next";
    public const string Error = "error";
    public const string Complete = "complete";
}

/// <summary>Close codes the server sends (4xxx from the protocol, 1xxx from RFC 6455).</summary>
internal static class GraphQLWsCloseCodes
{
    public const int NormalClosure = 1000;
    /// <summary>The client stopped reading and its outgoing queue filled up (RFC 6455 "policy violation").</summary>
    public const int PolicyViolation = 1008;
    /// <summary>A message larger than <see cref="GraphQLLimits.MaxBodyBytes"/> (RFC 6455 "message too big").</summary>
    public const int MessageTooBig = 1009;
    public const int BadRequest = 4400;
    public const int Unauthorized = 4401;
    public const int SubprotocolNotAcceptable = 4406;
    public const int ConnectionInitialisationTimeout = 4408;
    public const int SubscriberAlreadyExists = 4409;
    public const int TooManyInitialisationRequests = 4429;
    public const int InternalServerError = 4500;
}
