using GraphQL.Execution;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// A request error the transport raises itself before execution (a document the parser gives up on, a subscription
/// sent over plain HTTP). As a <see cref="DocumentError"/> it is answered like GraphQL.NET's own request errors: no
/// <c>data</c>, and status 400 under <c>application/graphql-response+json</c>.
/// </summary>
internal sealed class RequestRejectedError : DocumentError
{
    public RequestRejectedError(string code, string message) : base(message)
    {
        Code = code;
    }
}
