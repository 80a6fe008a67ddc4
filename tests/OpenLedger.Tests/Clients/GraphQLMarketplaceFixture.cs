using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Clients;

/// <summary>One real node (<see cref="NodeHost"/>: Orleans silo with the "market" streams + Kestrel GraphQL gateway) on
/// SQLite in a temp directory, on free ports, with a 200 ms block interval, for the marketplace's GraphQL tests. Its dev
/// genesis names the serving and attribution operators (keys derived from the test seed) and lowers the contribution
/// size limit to <see cref="MaxContributionBytes"/>, so an oversized upload fits in one GraphQL request.</summary>
public sealed class GraphQLMarketplaceFixture : IAsyncLifetime
{
    public const string Seed = "openledger test seed";
    public const int MaxContributionBytes = 8 * 1024;

    public TestChain Chain { get; } = new(accounts: 8, blockIntervalMs: 200, seed: Seed);
    public PrivateKey ServingOperator { get; } = DevChain.ServingOperator(Seed);
    public PrivateKey AttributionOperator { get; } = DevChain.AttributionOperator(Seed);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-graphql-market");
    public int HttpPort { get; } = FreePorts.Next();
    public Uri GraphQLUrl => new($"http://127.0.0.1:{HttpPort}/graphql");
    public Uri WebSocketUrl => new($"ws://127.0.0.1:{HttpPort}/graphql");
    public Uri HealthUrl => new($"http://127.0.0.1:{HttpPort}/healthz");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The node's operator token (what its operator reads from DATA_DIR/operator.token).</summary>
    public string OperatorToken => File.ReadAllText(Path.Combine(DataDirectory, "operator.token")).Trim();

    private InProcessNode? node;

    /// <summary>The gateway's shared stream subscriptions (to check that GraphQL subscriptions let go of them).</summary>
    public MarketEventSubscriptions Subscriptions => (node ?? throw new InvalidOperationException("not started")).Host.Services.GetRequiredService<MarketEventSubscriptions>();

    /// <summary>The node's ledger (its store, to compare what GraphQL says with the committed state).</summary>
    public LedgerNode Ledger => (node ?? throw new InvalidOperationException("not started")).Ledger!;

    public async Task InitializeAsync()
    {
        Chain.Genesis.Marketplace.MaxContributionBytes = MaxContributionBytes;
        node = await InProcessNode.StartAsync(Chain, DataDirectory, HttpPort);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (node is not null) await node.DisposeAsync();
    }
}
