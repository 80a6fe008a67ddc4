using System.Net;
using GraphQL;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenLedger.GraphQL.Transport.Tests.TestSchema;

namespace OpenLedger.GraphQL.Transport.Tests.Hosting;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port, hosting the transports over the test schema exactly as a
/// gateway would: AddGraphQL + AddOpenLedgerGraphQLTransport, UseWebSockets, MapOpenLedgerGraphQL.
/// </summary>
public sealed class GraphQLTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GraphQLTestServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        HttpUri = new Uri(baseUri, "/graphql");
        WebSocketUri = new UriBuilder(HttpUri) { Scheme = "ws" }.Uri;
        Tracker = app.Services.GetRequiredService<StreamTracker>();
        Counters = app.Services.GetRequiredService<GraphQLTransportCounters>();
        ServerErrors = app.Services.GetRequiredService<ErrorLogCounter>();
    }

    public Uri HttpUri { get; }
    public Uri WebSocketUri { get; }
    public StreamTracker Tracker { get; }
    public GraphQLTransportCounters Counters { get; }

    /// <summary>The server's services (its schema, for the fuzz tests that build documents from it).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Errors the server logged (unhandled exceptions in the pipeline would land here).</summary>
    public ErrorLogCounter ServerErrors { get; }

    /// <summary>
    /// The limits most tests run with. The execution timeout is a real one: a 1 s budget made a cold server's first
    /// query (schema built on first use, code not yet compiled) time out on a loaded machine, so the timeout tests
    /// start their own server with <see cref="ShortTimeout"/>. The init timeout stays at its default: on two busy
    /// cores a fresh process can take most of a second to answer its first socket.
    /// </summary>
    public static void TestLimits(GraphQLLimits limits)
    {
        limits.ExecutionTimeout = TimeSpan.FromSeconds(30);
        limits.MaxSubscriptionsPerConnection = 5;
        limits.MaxDepth = 15; // exactly graphql-js 17's introspection query: the JS client test proves it passes
        limits.MaxComplexity = 20_000;
    }

    /// <summary><see cref="TestLimits"/> with a 1 s execution timeout, for the tests of the timeout itself.</summary>
    public static void ShortTimeout(GraphQLLimits limits)
    {
        TestLimits(limits);
        limits.ExecutionTimeout = TimeSpan.FromSeconds(1);
    }

    public static async Task<GraphQLTestServer> StartAsync(Action<GraphQLLimits>? configureLimits = null, Action<GraphQLHttpOptions>? configureHttp = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var errors = new ErrorLogCounter();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(errors);
        builder.Services.AddSingleton(errors);

        builder.Services.AddSingleton<StreamTracker>();
        builder.Services.AddGraphQL(graphQL => graphQL
            .AddSchema<TestLedgerSchema>()
            .AddGraphTypes(typeof(TestLedgerSchema).Assembly)
            .AddSystemTextJson());
        builder.Services.AddOpenLedgerGraphQLTransport(configureLimits ?? TestLimits, configureHttp);

        var app = builder.Build();
        app.UseWebSockets();
        app.MapOpenLedgerGraphQL("/graphql");
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GraphQLTestServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
