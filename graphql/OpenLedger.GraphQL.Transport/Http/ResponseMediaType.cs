namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>The two media types a GraphQL-over-HTTP response can be written in; they differ only in status codes.</summary>
internal enum ResponseMediaType
{
    /// <summary><c>application/graphql-response+json</c>: status codes say whether execution started (200) or not (4xx).</summary>
    GraphQLResponseJson,

    /// <summary><c>application/json</c>: for legacy clients, which trust a body only when the status is 200.</summary>
    Json,
}

internal static class ResponseMediaTypes
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    /// <summary>The Content-Type header value; the spec asks servers to state the encoding.</summary>
    public static string ContentType(ResponseMediaType mediaType) => mediaType switch
    {
        ResponseMediaType.GraphQLResponseJson => GraphQLResponseJson + "; charset=utf-8",
        _ => Json + "; charset=utf-8",
    };
}
