using OpenLedger.Client;
using OpenLedger.Tests.Crash;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>Silos as real OS processes (`dotnet openledger.dll run`) on one store: with PostgreSQL every silo joins the
/// same Orleans cluster (membership, grain storage and the ledger tables in one database), with SQLite it is the one
/// node the embedded store allows. Silos are added one at a time, so a run measures 1, then 2, then 3 silos on the same
/// chain, as an operator grows a cluster (the producer stays where it was activated).</summary>
public sealed class SiloCluster(StoreKind store, string root, string genesisPath, string? postgres) : IDisposable
{
    /// <summary>Start-up of a silo on a loaded 2-core machine (Orleans, ASP.NET Core, the store, and libtorch on an ML silo).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly List<NodeProcess> _silos = [];
    private readonly List<LedgerClient> _clients = [];

    public StoreKind Store => store;
    public int Count => _silos.Count;
    public IReadOnlyList<NodeProcess> Silos => _silos;

    /// <summary>One public API client per silo (its own HTTP port), in the order the silos started.</summary>
    public IReadOnlyList<LedgerClient> Clients => _clients;

    /// <summary>Starts one more silo with <paramref name="runOptions"/> (e.g. <c>--no-ml</c>) and waits until it is ready.</summary>
    public async Task<NodeProcess> AddSiloAsync(IReadOnlyList<string> runOptions)
    {
        if (store == StoreKind.Sqlite && _silos.Count > 0) throw new InvalidOperationException("an embedded SQLite store serves one node");
        var dataDirectory = Path.Combine(root, $"silo{_silos.Count}");
        Directory.CreateDirectory(dataDirectory);
        // Silos of one cluster speak mutual TLS with one certificate: the first silo creates the file, the others load it.
        var options = store == StoreKind.PostgreSql
            ? ["--postgres", postgres!, "--cluster-cert", Path.Combine(root, "cluster.pfx"), .. runOptions]
            : runOptions.ToList();
        // baseModel null: an ML silo here serves what a user's would (the default), not the tests' small model.
        var silo = new NodeProcess(dataDirectory, genesisPath, options, baseModel: null);
        _silos.Add(silo);
        await silo.StartAsync(StartTimeout);
        // Generous: one sendTransactions of 500 transfers waits for admission behind other batches on a loaded machine.
        _clients.Add(new LedgerClient(new Uri($"http://127.0.0.1:{silo.HttpPort}/graphql"), requestTimeout: TimeSpan.FromMinutes(2)));
        return silo;
    }

    /// <summary>User + system CPU seconds of every silo process so far (they run for the whole cluster's life, so the
    /// difference over a phase is what the phase cost them).</summary>
    public double CpuSeconds() => _silos.Sum(s => ProcessCpu.FindByArguments("--data-dir", s.DataDirectory) is { } pid ? ProcessCpu.Seconds(pid) : double.NaN);

    /// <summary>What the silos printed, for a failed run.</summary>
    public string Tails(int lines = 60) => string.Join('\n', _silos.Select((s, i) => $"silo {i}:\n{s.Tail(lines)}"));

    public void Dispose()
    {
        foreach (var c in _clients) c.Dispose();
        foreach (var s in _silos) s.Dispose();
    }
}
