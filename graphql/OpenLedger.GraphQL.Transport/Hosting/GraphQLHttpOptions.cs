namespace OpenLedger.GraphQL.Transport;

/// <summary>Choices of the HTTP transport that are not limits.</summary>
public sealed class GraphQLHttpOptions
{
    /// <summary>
    /// How to answer a request that sends no <c>Accept</c> header. The GraphQL-over-HTTP draft's legacy watershed
    /// says: before 2025-01-01 treat it as <c>Accept: application/json</c>, from then on as
    /// <c>Accept: application/graphql-response+json</c>. The default follows the rule in force now
    /// (<see langword="false"/>: <c>application/graphql-response+json</c>); set <see langword="true"/> for a deployment
    /// whose clients predate the watershed and read only status 200 responses. It also decides what a bare
    /// wildcard (<c>*/*</c>) gets, since RFC 9110 treats a missing <c>Accept</c> as <c>*/*</c>.
    /// </summary>
    public bool LegacyJsonWhenAcceptMissing { get; set; }
}
