using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenLedger.GraphQL.Transport.Execution;
using OpenLedger.GraphQL.Transport.Http;
using OpenLedger.GraphQL.Transport.WebSockets;

namespace OpenLedger.GraphQL.Transport;

/// <summary>Registers the transports' services.</summary>
public static class GraphQLTransportServiceCollectionExtensions
{
    /// <summary>
    /// Adds the GraphQL-over-HTTP and <c>graphql-transport-ws</c> transports. They execute the host's GraphQL.NET set-up,
    /// which the host registers itself, e.g.
    /// <c>services.AddGraphQL(b => b.AddSchema&lt;LedgerSchema&gt;().AddGraphTypes().AddSystemTextJson())</c>
    /// (the transports need <c>ISchema</c>, <c>IDocumentExecuter</c> and <c>IGraphQLTextSerializer</c>).
    /// Then map the endpoint with <c>app.UseWebSockets(); app.MapOpenLedgerGraphQL("/graphql");</c>.
    /// </summary>
    public static IServiceCollection AddOpenLedgerGraphQLTransport(this IServiceCollection services,
        Action<GraphQLLimits>? configureLimits = null, Action<GraphQLHttpOptions>? configureHttp = null)
    {
        services.AddOptions<GraphQLLimits>();
        services.AddOptions<GraphQLHttpOptions>();
        if (configureLimits is not null) services.Configure(configureLimits);
        if (configureHttp is not null) services.Configure(configureHttp);

        services.TryAddSingleton<GraphQLTransportCounters>();
        services.TryAddSingleton<GraphQLOperationExecutor>();
        services.TryAddSingleton<GraphQLHttpHandler>();
        services.TryAddSingleton<GraphQLWsHandler>();
        return services;
    }
}
