using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenLedger.GraphQL.Hosting;
using OpenLedger.GraphQL.Transport;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.Gateway.Hosting.Boundary;
using OpenLedger.Gateway.Hosting.WebApp;

namespace OpenLedger.Gateway.Hosting;

/// <summary>The HTTP face of a node or gateway process: GraphQL (HTTP and WebSocket) at /graphql, the web app at / and /healthz for
/// everyone, /dashboard and /metrics for the operator, behind the node's <see cref="HttpBoundary"/>. The same code
/// serves inside a silo (grain calls stay in-process) and in a separate gateway (an Orleans client).</summary>
public static class GatewayEndpoints
{
    /// <param name="meters">The process's own meters, exported beside Orleans' (a silo's ledger metrics; a standalone
    /// gateway records none of its own).</param>
    public static void AddGatewayServices(this IServiceCollection services, HttpBoundary boundary, params string[] meters)
    {
        services.AddSingleton(new UploadQuota(boundary.UploadBytesPerMinute));
        services.AddOpenLedgerSchema();
        services.AddOpenLedgerGraphQLTransport();
        services.AddHealthAndMetricsServices(boundary, meters);
    }

    /// <summary>What a silo without the gateway role serves on its HTTP port: the boundary, /healthz, /metrics and the
    /// operator's dashboard, so liveness and readiness probes and scrapes work on every silo.</summary>
    public static void AddHealthAndMetricsServices(this IServiceCollection services, HttpBoundary boundary, params string[] meters)
    {
        services.AddSingleton(boundary);
        services.AddHostFiltering(o =>
        {
            o.AllowedHosts = [.. boundary.AllowedHosts];
            o.IncludeFailureMessage = true;
        });
        // Metrics: Orleans' meter and the process's own, scraped at /metrics in the Prometheus text format.
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(["Microsoft.Orleans", .. meters])
            .AddPrometheusExporter());
    }

    public static void MapGateway(this WebApplication app) => app.MapEndpoints(serveApi: true);

    /// <summary>A silo without the gateway role: the same boundary, /healthz, /metrics and /dashboard, but no GraphQL,
    /// web app or WebSocket API (those paths answer 404).</summary>
    public static void MapHealthAndMetrics(this WebApplication app) => app.MapEndpoints(serveApi: false);

    private static void MapEndpoints(this WebApplication app, bool serveApi)
    {
        var boundary = app.Services.GetRequiredService<HttpBoundary>();
        // The boundary, outermost first: names the node is reached by, pages allowed to call it, who is asking
        // (address, operator or not), operator-only pages; then how many sockets a client may hold.
        app.UseHostFiltering();
        app.UseMiddleware<OriginGuard>(boundary.AllowedOrigins);
        app.UseMiddleware<RequestIdentity>(boundary.OperatorToken);
        app.UseMiddleware<OperatorPages>(boundary.OperatorToken);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        // After UseWebSockets: that is what marks a request as an upgrade.
        app.UseMiddleware<WebSocketLimits>(boundary.WebSocketsPerClient, boundary.WebSocketsTotal);
        if (serveApi)
        {
            app.MapOpenLedgerGraphQL("/graphql");
            // The web app (web/dist, embedded): the explorer at /, a page of this origin calling the public /graphql.
            app.MapWebApp();
        }
        // Orleans' own view of the cluster: silos, grain activations, call rates.
        app.MapOrleansDashboard("/dashboard");
        app.MapPrometheusScrapingEndpoint("/metrics");
        // Liveness and readiness in one: the process answers, and the cluster answers through it.
        app.MapGet("/healthz", async (IGrainFactory grains, CancellationToken ct) =>
        {
            try
            {
                var chain = await grains.GetGrain<IChainGrain>(0).GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(5), ct);
                return Results.Json(new { status = "ok", chainId = chain.ChainId, headHeight = chain.HeadHeight, headHash = chain.HeadHash.ToString() });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Json(new { status = "unavailable", error = e.GetBaseException().Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
