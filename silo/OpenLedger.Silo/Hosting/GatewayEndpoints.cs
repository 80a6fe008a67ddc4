using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenLedger.GraphQL.Hosting;
using OpenLedger.GraphQL.Transport;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Silo.Hosting;

/// <summary>The HTTP face of a node or gateway process: GraphQL (HTTP and WebSocket) at /graphql and /healthz.
/// The same code serves inside a silo (grain calls stay in-process) and in a separate gateway (an Orleans client).</summary>
public static class GatewayEndpoints
{
    public static void AddGatewayServices(this IServiceCollection services)
    {
        services.AddOpenLedgerSchema();
        services.AddOpenLedgerGraphQLTransport();
        // Metrics: Orleans' meter and the ledger's, scraped at /metrics in the Prometheus text format.
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter("Microsoft.Orleans", OpenLedger.Grains.Hosting.LedgerMetrics.MeterName)
            .AddPrometheusExporter());
    }

    public static void MapGateway(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapOpenLedgerGraphQL("/graphql");
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
