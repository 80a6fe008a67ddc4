using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Http;
using OpenLedger.GraphQL.Transport.WebSockets;

namespace OpenLedger.GraphQL.Transport;

/// <summary>Maps the GraphQL endpoint.</summary>
public static class GraphQLEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves GraphQL at <paramref name="pattern"/>: GraphQL over HTTP (GET and POST) and, on a WebSocket upgrade to
    /// the same URL, the <c>graphql-transport-ws</c> protocol. Requires <see cref="GraphQLTransportServiceCollectionExtensions.AddOpenLedgerGraphQLTransport"/>
    /// and, for WebSockets, <c>app.UseWebSockets()</c> before routing. Returns the endpoint's convention builder, so
    /// the host can add authorization, CORS or rate limiting to it.
    /// </summary>
    public static IEndpointConventionBuilder MapOpenLedgerGraphQL(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var http = services.GetService<GraphQLHttpHandler>() ?? throw new InvalidOperationException(
            "The GraphQL transport services are missing: call services.AddOpenLedgerGraphQLTransport() when configuring services.");
        var webSockets = services.GetRequiredService<GraphQLWsHandler>();

        return endpoints.Map(pattern, context =>
        {
            if (context.WebSockets.IsWebSocketRequest) return webSockets.HandleAsync(context);
            if (context.Features.Get<IHttpWebSocketFeature>() is null && IsUpgradeToWebSocket(context.Request))
                throw new InvalidOperationException("A WebSocket upgrade reached the GraphQL endpoint, but app.UseWebSockets() was not called.");
            return http.HandleAsync(context);
        }).WithDisplayName("OpenLedger GraphQL " + pattern);
    }

    private static bool IsUpgradeToWebSocket(HttpRequest request) =>
        request.Headers.Upgrade.Any(value => value is not null && value.Contains("websocket", StringComparison.OrdinalIgnoreCase));
}
