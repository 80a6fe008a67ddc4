namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// The <c>extensions.code</c> values the transports themselves put on errors. Clients branch on these, so they are
/// stable strings; errors raised by the schema keep their own <c>ExecutionError.Code</c>.
/// </summary>
public static class GraphQLErrorCodes
{
    /// <summary>The document is not valid GraphQL syntax (or nests too deeply for the parser).</summary>
    public const string ParseFailed = "GRAPHQL_PARSE_FAILED";

    /// <summary>The document fails a GraphQL validation rule, or its variables fail coercion. The rule's own code is kept in <c>extensions.rule</c>.</summary>
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";

    /// <summary>The HTTP request or WebSocket message is not a well-formed GraphQL request (bad JSON, no query, wrong parameter types).</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>The request body or WebSocket message is larger than <see cref="GraphQLLimits.MaxBodyBytes"/>.</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    /// <summary>Validation or execution ran longer than <see cref="GraphQLLimits.ExecutionTimeout"/> and was cancelled.</summary>
    public const string Timeout = "TIMEOUT";

    /// <summary>The selected operation nests deeper than <see cref="GraphQLLimits.MaxDepth"/>, its selections nest more than
    /// 100 levels through fragments, or its introspection nests the recursive lists three deep.</summary>
    public const string MaxDepthExceeded = "MAX_DEPTH_EXCEEDED";

    /// <summary>The selected operation is more complex than <see cref="GraphQLLimits.MaxComplexity"/>.</summary>
    public const string MaxComplexityExceeded = "MAX_COMPLEXITY_EXCEEDED";

    /// <summary>The document holds more selections than <see cref="GraphQLLimits.MaxSelections"/>.</summary>
    public const string MaxSelectionsExceeded = "MAX_SELECTIONS_EXCEEDED";

    /// <summary>The document holds more aliased fields than <see cref="GraphQLLimits.MaxAliases"/>.</summary>
    public const string MaxAliasesExceeded = "MAX_ALIASES_EXCEEDED";

    /// <summary>The selected operation executes more root fields than <see cref="GraphQLLimits.MaxRootFields"/>.</summary>
    public const string MaxRootFieldsExceeded = "MAX_ROOT_FIELDS_EXCEEDED";

    /// <summary>A <c>first</c> or <c>last</c> argument is negative or above <see cref="GraphQLLimits.MaxPageSize"/>.</summary>
    public const string InvalidPageSize = "INVALID_PAGE_SIZE";

    /// <summary>The response would be larger than <see cref="GraphQLLimits.MaxResponseBytes"/>; it is answered with this
    /// error and <c>"data": null</c> instead.</summary>
    public const string ResponseTooLarge = "RESPONSE_TOO_LARGE";

    /// <summary>A WebSocket connection already holds <see cref="GraphQLLimits.MaxSubscriptionsPerConnection"/> operations.</summary>
    public const string MaxSubscriptionsExceeded = "MAX_SUBSCRIPTIONS_EXCEEDED";

    /// <summary>The operation type cannot be served by this transport (a subscription over plain HTTP).</summary>
    public const string OperationNotSupported = "OPERATION_NOT_SUPPORTED";

    /// <summary>The HTTP method cannot carry this request (anything but GET/POST, or a mutation over GET).</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";

    /// <summary>The POST body is not <c>application/json</c> (UTF-8).</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>The <c>Accept</c> header admits neither response media type.</summary>
    public const string NotAcceptable = "NOT_ACCEPTABLE";

    /// <summary>An error raised without a code by the schema (an <c>ExecutionError</c> without <c>Code</c>).</summary>
    public const string ExecutionFailed = "EXECUTION_FAILED";

    /// <summary>An unexpected server fault outside GraphQL execution.</summary>
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
}
