using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The ledger benchmark, in one process: build the workload, measure the recovery ceiling, start a node
/// on the embedded store, push every transfer through it, and print the table.</summary>
public static class LedgerBenchmark
{
    public static async Task<int> RunAsync(LedgerBenchmarkOptions o)
    {
        var total = Stopwatch.StartNew();
        var loadBefore = ReadLoadAverage();
        Console.WriteLine($"ledger benchmark: {o.Transactions:N0} transfers among {o.Accounts:N0} accounts, block interval {o.BlockIntervalMs} ms" +
                          $" (load average before start: {loadBefore}); secp256k1: {Secp256k1.Backend}");

        Console.Write("  workload: deriving keys and pre-signing transfers ... ");
        var work = Workload.Create(o.Accounts, o.Transactions, WarmupAccounts(o), o.WarmupTransactions, o.BlockIntervalMs, o.MaxBlockTransactions);
        Console.WriteLine($"keys {work.KeyTime.TotalSeconds:F1} s, signing {work.SignTime.TotalSeconds:F1} s " +
                          $"({o.Transactions / work.SignTime.TotalSeconds:N0} sig/s)");

        var rules = work.Genesis.ToRules();
        var dir = Path.Combine(Path.GetTempPath(), $"openledger-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var genesisPath = Path.Combine(dir, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, work.Genesis.ToJson());
        var settings = new NodeSettings(
            StorageBackend.Sqlite, $"Data Source={Path.Combine(dir, "openledger.db")};Pooling=True;Default Timeout=30", dir, genesisPath,
            FreePort(), FreePort(), ProducerKeyHex: null, ProduceEmptyBlocks: false, MempoolCapacity: o.MempoolCapacity, HttpPort: FreePort());

        Console.Write($"  node: starting in-process on SQLite ({dir}) ... ");
        var sw = Stopwatch.StartNew();
        var (host, _, _) = await NodeHost.BuildAsync(settings);
        await host.StartAsync();
        IHost? clientHost = o.Path == NodePath.OrleansClient ? await NodeClient.ConnectAsync(settings) : null;
        using var ledgerClient = o.Path == NodePath.GraphQL ? new LedgerClient(new Uri($"http://127.0.0.1:{settings.HttpPort}/graphql")) : null;
        INodeAccess node = ledgerClient is not null
            ? new GraphQLNodeAccess(ledgerClient)
            : new GrainNodeAccess((clientHost ?? host).Services.GetRequiredService<IClusterClient>(),
                clientHost is not null ? "external Orleans client over TCP" : "in-process client");
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s ({node.Name})");

        RunResult run;
        Metrics metrics;
        try
        {
            if (work.WarmupRaw.Length > 0)
            {
                // Two rounds: tiered compilation counts calls only once start-up compilation has quietened, so the
                // second round is what promotes the hot paths; then let the background compiler finish.
                Console.Write($"  warm-up: {work.WarmupRaw.Length:N0} transfers among {WarmupAccounts(o):N0} other accounts, in two rounds ... ");
                sw.Restart();
                var half = work.WarmupRaw.Length / 2;
                var committed = 0;
                foreach (var (from, to) in new[] { (0, half), (half, work.WarmupRaw.Length) })
                {
                    var warm = await new LoadDriver(node, work.WarmupRaw[from..to], work.WarmupHashes[from..to], o).RunAsync();
                    committed += warm.Committed;
                    await JitSettledAsync();
                }
                Console.WriteLine($"{committed:N0} committed in {sw.Elapsed.TotalSeconds:F1} s");
            }
            // The ceiling is measured here, on the same transactions, right before the run (the node idles meanwhile):
            // on a machine shared with other work, the closer the two measurements, the more the ratio means.
            Console.Write("  recovery ceiling: TransactionVerifier.Verify on all cores ... ");
            var ceiling = RecoveryCeiling.Measure(work.Raw, rules.ChainId, rules.MaxTransactionBytes);
            Console.WriteLine($"best of {ceiling.Rounds} rounds {ceiling.AllCoresPerSecond:N0} tx/s (median {ceiling.MedianPerSecond:N0}; " +
                              $"{ceiling.OneCorePerSecond:N0} on one core, {1e6 / ceiling.OneCorePerSecond:F0} µs each), {ceiling.Failed} failed");
            if (ceiling.Failed > 0) throw new InvalidOperationException("pre-signed transactions failed verification: the workload is broken");
            Console.WriteLine($"  run: batches of {o.BatchSize}, {o.Concurrency} in flight, window " +
                              (o.FixedWindow is { } w ? $"{w:N0}" : $"{0.9 * o.MempoolCapacity:N0} (90% of the mempool)") + " ...");
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var machine0 = MachineCpu.Read();
            var gc0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            run = await new LoadDriver(node, work.Raw, work.Hashes, o).RunAsync();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            var machine = MachineCpu.Read() - machine0;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
            var gc = (GC.CollectionCount(0) - gc0.Item1, GC.CollectionCount(1) - gc0.Item2, GC.CollectionCount(2) - gc0.Item3, GC.GetTotalPauseDuration() - gc0.Item4);
            var loadAfter = ReadLoadAverage();
            // The same measurement on a slice right after the run: a machine whose load changed meanwhile shows here.
            var after = RecoveryCeiling.Measure(work.Raw[..Math.Min(work.Raw.Length, 20_000)], rules.ChainId, rules.MaxTransactionBytes, rounds: 4, oneCore: false);
            metrics = Metrics.From(o, work, ceiling, run, cpu, gc, loadBefore) with
            {
                CeilingAfter = after.AllCoresPerSecond, LoadAfter = loadAfter, Machine = machine,
                CeilingMedian = ceiling.MedianPerSecond, CeilingRounds = ceiling.Rounds,
                CeilingAdjusted = Median(ceiling.AdjustedRates.Concat(after.AdjustedRates)),
                RunAvailable = machine.AvailableShare(cpu),
                AllocatedBytes = allocated,
            };
        }
        finally
        {
            if (clientHost is not null) { await clientHost.StopAsync(); clientHost.Dispose(); }
            await host.StopAsync();
            host.Dispose();
            if (!o.KeepData) TryDelete(dir);
        }
        Report.Print(metrics, total.Elapsed);
        return metrics.AllCommitted ? 0 : 1;
    }

    /// <summary>Tiered compilation promotes hot methods in the background, in batches: wait until it stops compiling
    /// (no new method for half a second, at most 3 s) so that its work is not charged to the measured run.</summary>
    private static async Task<double> JitSettledAsync()
    {
        var sw = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(500);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == last) break;
            last = now;
        }
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static int WarmupAccounts(LedgerBenchmarkOptions o) => o.WarmupTransactions == 0 ? 0 : Math.Max(2, o.WarmupTransactions / 10);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string ReadLoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
