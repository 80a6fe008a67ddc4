using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Failover;

/// <summary>A real cluster of OpenLedger processes on one PostgreSQL database: <see cref="CoreSilos"/> silos without the ML
/// role (`run --postgres ... --no-ml`), one ML silo (`run --postgres ...`) and a standalone GraphQL gateway
/// (`gateway --postgres ...`), all sealing a block every interval (--empty-blocks) so that the time from a kill to the next
/// block measures the failover, not the arrival of transactions. It finds the producer's silo from the
/// <c>ledger_producer</c> holder row, SIGKILLs silos and restarts them, and times kill -> next committed block by
/// polling the store. Shared by the failover test and the failover benchmark (linked there).</summary>
public sealed partial class FailoverCluster : IAsyncDisposable
{
    public const int CoreSilos = 3;
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private readonly string _root;
    private readonly Action<string> _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TestChain Chain { get; }
    public string Postgres { get; }
    public string GenesisPath { get; }
    public string ClusterCertificate { get; }

    /// <summary>The silos: <see cref="CoreSilos"/> core silos, then the ML silo (the last).</summary>
    public IReadOnlyList<NodeProcess> Silos { get; }
    public GatewayProcess Gateway { get; }

    /// <param name="postgres">An empty database of its own.</param>
    /// <param name="root">A fresh directory for the silos' data directories, the genesis and the cluster certificate.</param>
    /// <param name="ml">Whether the fourth silo has the ML role (the test's paid inferences need it; the benchmark does not).</param>
    public FailoverCluster(string postgres, string root, TestChain chain, Action<string> log, bool ml = true)
    {
        Postgres = postgres;
        _root = root;
        _log = log;
        Chain = chain;
        GenesisPath = Path.Combine(root, "genesis.json");
        ClusterCertificate = Path.Combine(root, "cluster.pfx");
        string[] common = ["--postgres", postgres, "--cluster-cert", ClusterCertificate, "--empty-blocks", "--training-threads", "1"];
        var silos = new List<NodeProcess>();
        for (var i = 0; i < CoreSilos; i++) silos.Add(new NodeProcess(Path.Combine(root, $"core{i}"), GenesisPath, [.. common, "--no-ml"]));
        silos.Add(new NodeProcess(Path.Combine(root, "ml"), GenesisPath, ml ? common : [.. common, "--no-ml"]));
        Silos = silos;
        Gateway = new GatewayProcess(postgres, Path.Combine(root, "gateway"), ClusterCertificate);
    }

    public string NameOf(NodeProcess silo) => silo == Silos[^1] ? "ml" : $"core{IndexOf(silo)}";

    private int IndexOf(NodeProcess silo) => Silos.ToList().IndexOf(silo);

    /// <summary>Starts the first silo (it writes the genesis block and the cluster certificate), then the others at
    /// once, then the gateway.</summary>
    public async Task StartAsync()
    {
        await File.WriteAllTextAsync(GenesisPath, Chain.Genesis.ToJson() + "\n");
        var started = Stopwatch.StartNew();
        await Silos[0].StartAsync(StartTimeout);
        await Task.WhenAll(Silos.Skip(1).Select(s => s.StartAsync(StartTimeout)));
        await Gateway.StartAsync(StartTimeout);
        Log($"cluster up in {started.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", Silos.Select(s => $"{NameOf(s)} pid {s.ProcessId}"))}, gateway :{Gateway.HttpPort}");
    }

    /// <summary>The committed head height in the store.</summary>
    public async Task<long> HeadAsync(CancellationToken ct = default)
    {
        await using var c = new NpgsqlConnection(Postgres);
        await c.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(height), 0) FROM ledger_blocks", c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>The producer's current epoch and the pid its holder row names.</summary>
    public async Task<(long Epoch, int Pid)> ProducerAsync(CancellationToken ct = default)
    {
        await using var c = new NpgsqlConnection(Postgres);
        await c.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT epoch, holder FROM ledger_producer WHERE id = 1", c);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException("no producer has claimed an epoch yet");
        var holder = r.GetString(1);
        var m = HolderPid().Match(holder);
        if (!m.Success) throw new InvalidOperationException($"the producer's holder row '{holder}' names no pid");
        return (r.GetInt64(0), int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The silo holding the producer now (its holder row's pid).</summary>
    public async Task<NodeProcess> ProducerSiloAsync(CancellationToken ct = default)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (_, pid) = await ProducerAsync(ct);
            var silo = Silos.FirstOrDefault(s => s.ProcessId == pid);
            if (silo is not null) return silo;
            // Right after a failover the row may still name the dead silo's pid until the new activation claims.
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"the producer's holder pid {pid} is none of the cluster's silos ({string.Join(", ", Silos.Select(s => s.ProcessId))})");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>SIGKILLs <paramref name="silo"/> and times the failover: kill -> the next block committed (a height above
    /// the head at the kill), then restarts it so the cluster is whole again.</summary>
    public async Task<KillTiming> KillAndRestartAsync(NodeProcess silo, TimeSpan blockTimeout, CancellationToken ct = default)
    {
        var (epochBefore, producerPid) = await ProducerAsync(ct);
        var wasProducer = silo.ProcessId == producerPid;
        var pid = silo.ProcessId;
        var killed = Stopwatch.StartNew();
        silo.Kill();
        var killedAt = killed.Elapsed; // Kill waits for the OS to reap the process
        // The head read after the kill: a killed producer commits nothing more (PostgreSQL rolls its open transaction back).
        var headAtKill = await HeadAsync(ct);
        TimeSpan? nextBlock = null;
        long headAfter = headAtKill;
        while (killed.Elapsed < blockTimeout)
        {
            headAfter = await HeadAsync(ct);
            if (headAfter > headAtKill)
            {
                nextBlock = killed.Elapsed;
                break;
            }
            await Task.Delay(25, ct);
        }
        var (epochAfter, newPid) = await ProducerAsync(ct);
        var load = LoadAverage();
        var failover = new KillTiming(NameOf(silo), pid ?? 0, wasProducer, headAtKill, headAfter, killedAt, nextBlock, epochBefore, epochAfter, newPid, load);
        Log(failover.ToString());
        var restart = Stopwatch.StartNew();
        await silo.StartAsync(StartTimeout);
        Log($"{NameOf(silo)} restarted (pid {silo.ProcessId}) in {restart.Elapsed.TotalSeconds:0.0} s");
        return failover;
    }

    /// <summary>The 1-minute load average (/proc/loadavg), printed with every timing.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }

    private void Log(string line) => _log($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {line}");

    /// <summary>Every silo's and the gateway's output, for a failing run.</summary>
    public string Output() => string.Join('\n', Silos.Select(s => $"=== {NameOf(s)} ===\n{s.Tail(150)}")) + "\n" + Gateway.Tail(100);

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        foreach (var s in Silos) s.Dispose();
        await Task.CompletedTask;
    }

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex HolderPid();
}

/// <summary>One kill: which silo, whether it held the producer, and the time from the kill to the next committed block
/// (null when none came within the timeout), with the producer epochs before and after and the load average.</summary>
public sealed record KillTiming(string Silo, int Pid, bool WasProducer, long HeadAtKill, long HeadAfter, TimeSpan KillTook,
    TimeSpan? NextBlock, long EpochBefore, long EpochAfter, int ProducerPidAfter, string LoadAverage)
{
    public override string ToString() =>
        $"SIGKILL {Silo} (pid {Pid}{(WasProducer ? ", the producer's" : "")}) at height {HeadAtKill}: " +
        (NextBlock is { } t ? $"next block (height {HeadAfter}) {t.TotalSeconds:0.00} s after the kill" : "NO block") +
        $"; producer epoch {EpochBefore} -> {EpochAfter} (pid {ProducerPidAfter}); load average {LoadAverage}";
}
