using Microsoft.Extensions.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;

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

    private IHost? host;

    public async Task InitializeAsync()
    {
        var genesisPath = Path.Combine(DataDirectory, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, Chain.Genesis.ToJson());
        var settings = new NodeSettings(StorageBackend.Sqlite, TestChain.SqliteConnection(DataDirectory), DataDirectory, genesisPath,
            FreePorts.Next(), FreePorts.Next(), null, false, 10_000, HttpPort);
        var (h, _, _) = await NodeHost.BuildAsync(settings);
        host = h;
        await host.StartAsync();

        // Ready when the gateway answers /healthz.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var r = await Http.GetAsync(HealthUrl);
                if (r.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"node on {HealthUrl} not healthy within 20 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (host is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await host.StopAsync(cts.Token); } finally { host.Dispose(); }
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
