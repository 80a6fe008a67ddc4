using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenLedger.Benchmarks.Marketplace;
using OpenLedger.Tests.Support;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>
/// The scale-out benchmark (issue 16): real silo processes (`dotnet openledger.dll run`) on a real PostgreSQL server
/// this program starts (initdb in a temp directory, as an unprivileged user when run as root), measured as users reach
/// them, through GraphQL. Transfers: 1, 2 and 3 silos on PostgreSQL, and one silo on SQLite; paid inferences: 1, 2 and
/// 3 silos, the extra ones ML-capable. Every row prints the load average and the share of the machine other processes
/// took, because the machine is shared: more silos are more processes on the same cores.
/// </summary>
public static class ScaleOutBenchmark
{
    public static async Task<int> RunAsync(ScaleOutOptions o)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"scale-out benchmark{(o.Quick ? " (--quick)" : "")}: silos {string.Join(", ", o.SiloCounts)}; " +
                          $"{Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; " +
                          $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {MachineInfo.LoadAverage()}");
        var root = Path.Combine(Path.GetTempPath(), $"openledger-scaleout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var pg = new PostgresServerFixture();
        var failed = false;
        try
        {
            Console.Write("  PostgreSQL: initdb and start ... ");
            var sw = Stopwatch.StartNew();
            await pg.InitializeAsync();
            var postmaster = ProcessCpu.FindByArguments("-p", pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s ({pg.BinDirectory}, port {pg.Port}, postmaster pid {postmaster?.ToString() ?? "not found: its CPU is not counted"})");

            if (o.RunTransfers)
            {
                var rows = await TransfersAsync(o, pg, postmaster, root);
                ScaleOutTable.Print($"Signed transfers through GraphQL ({o.Transfers:N0} per row among {o.Accounts:N0} senders, batches of {o.BatchSize}, " +
                                    $"{o.Concurrency} in flight spread over the silos, {o.BlockIntervalMs} ms blocks)", "tx", 1_000, rows);
                failed |= rows.Any(r => r.Failure is not null || r.Done != r.Asked);
            }
            if (o.RunInferences)
            {
                var rows = await InferenceRows.RunAsync(o, pg, postmaster, root);
                ScaleOutTable.Print($"Paid inferences, requestInference -> served -> settled ({o.Inferences} per row from {o.Callers} callers spread over the silos, " +
                                    $"{o.InferenceBlockIntervalMs} ms blocks)", "inference", 1, rows);
                failed |= rows.Count == 0 || rows.Any(r => r.Failure is not null || r.Done != r.Asked);
            }
        }
        finally
        {
            await pg.DisposeAsync();
            if (!o.KeepData) TryDelete(root);
            else Console.WriteLine($"  kept {root}");
        }
        Console.WriteLine();
        Console.WriteLine("ratio: to the fastest 1-silo PostgreSQL row of this run. others' CPU: the share of the machine's CPU time over the row");
        Console.WriteLine("that neither the silos, PostgreSQL nor this driver used (other work on a shared machine: a row above --max-others is redone).");
        Console.WriteLine($"benchmark total time {total.Elapsed.TotalSeconds:F0} s; load average now {MachineInfo.LoadAverage()}");
        return failed ? 1 : 0;
    }

    /// <summary>SQLite on one silo first, then one PostgreSQL cluster grown a silo at a time. Silos run <c>--no-ml</c>:
    /// a ledger-only cluster, no libtorch loaded.</summary>
    private static async Task<List<ScaleRow>> TransfersAsync(ScaleOutOptions o, PostgresServerFixture pg, int? postmaster, string root)
    {
        var rows = new List<ScaleRow>();
        Console.Write("  transfers: deriving keys and pre-signing every row's slices ... ");
        var sw = Stopwatch.StartNew();
        var slices = TransferSlices.Create(o, (o.SiloCounts.Count + 1) * (1 + o.Retries));
        var genesisPath = Path.Combine(root, "transfers-genesis.json");
        await File.WriteAllTextAsync(genesisPath, slices.Genesis.ToJson());
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s");

        var noMl = new[] { "--no-ml" };
        using (var sqlite = new SiloCluster(StoreKind.Sqlite, Path.Combine(root, "sqlite"), genesisPath, postgres: null))
        {
            Console.WriteLine("  SQLite, 1 silo:");
            await StartAsync(sqlite, noMl);
            rows.AddRange(await TransferRows.MeasureAsync(sqlite, postmaster: null, slices, o));
        }

        var conn = await pg.CreateDatabaseAsync("scaleout_transfers");
        using var cluster = new SiloCluster(StoreKind.PostgreSql, Path.Combine(root, "pg-transfers"), genesisPath, conn);
        foreach (var n in o.SiloCounts)
        {
            Console.WriteLine($"  PostgreSQL, {n} silo(s):");
            while (cluster.Count < n) await StartAsync(cluster, noMl);
            rows.AddRange(await TransferRows.MeasureAsync(cluster, postmaster, slices, o));
        }
        return rows;
    }

    /// <summary>Adds a silo, printing how long it took to be ready.</summary>
    public static async Task StartAsync(SiloCluster cluster, IReadOnlyList<string> runOptions)
    {
        var sw = Stopwatch.StartNew();
        Console.Write($"    starting silo {cluster.Count} ({cluster.Store}{(runOptions.Count > 0 ? " " + string.Join(' ', runOptions) : "")}) ... ");
        await cluster.AddSiloAsync(runOptions);
        Console.WriteLine($"ready after {sw.Elapsed.TotalSeconds:F1} s (load average {MachineInfo.LoadAverage()})");
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
