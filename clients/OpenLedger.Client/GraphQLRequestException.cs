namespace OpenLedger.Client;

/// <summary>The node answered a GraphQL request with errors: <see cref="Code"/> is the first error's stable
/// <c>extensions.code</c> (NonceTooLow, GRAPHQL_VALIDATION_FAILED, OPERATOR_REQUIRED, ...), or HTTP_nnn when the answer
/// was not GraphQL at all.</summary>
public class GraphQLRequestException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;

    /// <summary>The first error's message, without the code.</summary>
    public string Detail { get; } = message;
}
