using Microsoft.Extensions.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Clients;

/// <summary>One real node (<see cref="NodeHost"/>: Orleans silo + Kestrel GraphQL gateway) on SQLite in a temp
/// directory, on free ports, with a 200 ms block interval; shared by a test class and stopped at its end.</summary>
public sealed class GraphQLNodeFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 6, blockIntervalMs: 200);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-graphql-node");
    public int HttpPort { get; } = FreePorts.Next();
    public Uri GraphQLUrl => new($"http://127.0.0.1:{HttpPort}/graphql");
    public Uri WebSocketUrl => new($"ws://127.0.0.1:{HttpPort}/graphql");
    public Uri HealthUrl => new($"http://127.0.0.1:{HttpPort}/healthz");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The node's operator token (what its operator reads from DATA_DIR/operator.token).</summary>
    public string OperatorToken => File.ReadAllText(Path.Combine(DataDirectory, "operator.token")).Trim();

    private InProcessNode? node;

    /// <summary>The node's services (the gateway's schema and caches, for tests that look inside).</summary>
    public IServiceProvider Services => (node ?? throw new InvalidOperationException("not started")).Host.Services;

    public async Task InitializeAsync() => node = await InProcessNode.StartAsync(Chain, DataDirectory, HttpPort);

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (node is not null) await node.DisposeAsync();
    }
}
