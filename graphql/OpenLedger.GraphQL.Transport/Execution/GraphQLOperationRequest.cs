using GraphQL;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// The four GraphQL-over-HTTP request parameters, after they have been checked to be well-formed. Both transports
/// produce one: HTTP from a POST body or GET query string, WebSocket from a <c>subscribe</c> payload.
/// </summary>
internal sealed record GraphQLOperationRequest(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions);
