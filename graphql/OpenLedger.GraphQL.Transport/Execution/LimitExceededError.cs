using GraphQL.Validation;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// A document refused by a <see cref="GraphQLLimits"/> check. It is a validation error (the document is never
/// executed, so the response has no <c>data</c> and, as <c>application/graphql-response+json</c>, status 400), but it
/// keeps its own code so a client can tell "simplify your query" from "your query is wrong".
/// </summary>
internal sealed class LimitExceededError : ValidationError
{
    public LimitExceededError(string code, string message) : base(message)
    {
        Code = code;
    }
}
