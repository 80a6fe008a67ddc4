using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Tests.Support;

/// <summary>A real node (<see cref="NodeHost"/>: Orleans silo + Kestrel gateway) run in the test process on a SQLite
/// file in <paramref name="dataDirectory"/>: the start, readiness wait and stop the node fixtures share.</summary>
public sealed class InProcessNode(IHost host, string dataDirectory) : IAsyncDisposable
{
    public IHost Host { get; } = host;

    /// <summary>The node's ledger services (its store, keys and chain rules), as the host built them.</summary>
    public LedgerNode? Ledger { get; private init; }

    /// <summary>The silo's own grain factory (the in-process client of the node under test).</summary>
    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Writes the chain's genesis, starts the node on the given ports, and returns once /healthz answers.</summary>
    public static async Task<InProcessNode> StartAsync(TestChain chain, string dataDirectory, int httpPort, int? gatewayPort = null,
        int mempoolCapacity = 10_000)
    {
        var genesisPath = Path.Combine(dataDirectory, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, chain.Genesis.ToJson());
        var settings = new NodeSettings(StorageBackend.Sqlite, TestChain.SqliteConnection(dataDirectory), dataDirectory, genesisPath,
            FreePorts.Next(), gatewayPort ?? FreePorts.Next(), null, false, mempoolCapacity, httpPort,
            // One libtorch thread per training job: the suite runs test classes side by side on a few cores, and two
            // spinning libtorch threads on a busy machine slowed a 60-step job from seconds to over 2 minutes.
            TrainingThreads: 1);
        return await StartAsync(settings);
    }

    /// <summary>Starts a node with the given settings (any backend; the genesis file already written) and returns once
    /// /healthz answers: the one place the tests build, start and await a node.</summary>
    public static async Task<InProcessNode> StartAsync(NodeSettings settings)
    {
        // The small test base model unless the settings name another (TestBaseModel).
        settings = settings with { BaseModelDirectory = settings.BaseModelDirectory ?? TestBaseModel.Directory };
        var (host, ledger, _) = await NodeHost.BuildAsync(settings);
        var node = new InProcessNode(host, settings.DataDirectory) { Ledger = ledger };
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose(); // a node that fails to start leaves nothing running
            throw;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = $"http://127.0.0.1:{settings.HttpPort}/healthz";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var r = await http.GetAsync(health);
                if (r.IsSuccessStatusCode) return node;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"node on {health} not healthy within 20 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops the node (bounded) and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await Host.StopAsync(cts.Token); } finally { Host.Dispose(); }
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
