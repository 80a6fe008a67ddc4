using OpenLedger.Cli.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Configuration;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Gateway;

/// <summary>The GraphQL gateway as its own process (<c>openledger-gateway</c>, and <c>openledger gateway</c>), an
/// Orleans client in front of the silos (scale it out separately from them). Same endpoints and code as the node's
/// built-in gateway.</summary>
public static class GatewayCommand
{
    public static async Task<int> ExecuteAsync(Args args)
    {
        var settings = GatewaySettings.From(args);
        var clusterCertificate = settings.LoadClusterCertificate(create: false);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{settings.HttpPort}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.JoinOpenLedgerCluster(settings.PostgresConnectionString, settings.GatewayPort, clusterCertificate);
            client.AddOpenLedgerStreams(); // the "market" streams behind GraphQL's marketplace subscriptions
            client.Services.AddSingleton<IClusterConnectionStatusObserver, StreamResubscriber>();
            client.AddDashboard();
        });
        builder.Services.AddGatewayServices(settings.HttpBoundary());
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        Console.WriteLine($"OpenLedger GraphQL gateway at http://127.0.0.1:{settings.HttpPort}/graphql (health: /healthz, web app: /), " +
                          (settings.PostgresConnectionString is null ? $"cluster via Orleans gateway port {settings.GatewayPort}" : "cluster via PostgreSQL membership"));
        Console.WriteLine("openledger gateway ready");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
