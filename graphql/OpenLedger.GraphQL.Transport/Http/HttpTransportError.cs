namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// A request refused before it became a GraphQL request: its status code, the error's <c>extensions.code</c>, a
/// message for humans, and for 405 the methods that would have worked (the <c>Allow</c> header).
/// </summary>
internal sealed record HttpTransportError(int StatusCode, string Code, string Message, string? Allow = null);
