using System.Diagnostics;
using System.Globalization;
using OpenLedger.Tests.Failover;
using OpenLedger.Tests.Support;

namespace OpenLedger.Benchmarks.Failover;

/// <summary>Producer failover timing: the failover test's cluster (3 core silos, an ML silo, a standalone gateway on a
/// PostgreSQL server it starts; <see cref="FailoverCluster"/>) under continuous signed transfers through the gateway
/// (<see cref="TransferLoad"/>); the producer's silo is SIGKILLed <c>--kills</c> times (restarted after each) and each
/// kill's time to the next committed block is printed, with the median and the max against the target.</summary>
public static class FailoverBenchmark
{
    private static readonly TimeSpan TargetMedian = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TargetMax = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(Args a)
    {
        var kills = a.GetInt("kills", 10, 1, 1_000);
        var senders = a.GetInt("senders", 6, 1, 64);
        var intervalMs = a.GetInt("block-interval-ms", 500, 50, 60_000);
        var blockTimeout = TimeSpan.FromSeconds(a.GetInt("block-timeout", 60, 5, 3_600));
        var keep = a.Has("keep");
        // Idle: no transactions at all, only the empty blocks every silo seals: nothing but a keepalive wakes the producer.
        var idle = a.Has("idle");
        var started = DateTime.UtcNow;
        Console.WriteLine($"failover benchmark: {kills} SIGKILLs of the producer's silo {(idle ? "on an idle chain (empty blocks only)" : $"under transfer load ({senders} senders)")}, block interval {intervalMs} ms, " +
                          $"{Environment.ProcessorCount} cores, {started:yyyy-MM-dd HH:mm} UTC, load average {FailoverCluster.LoadAverage()}");

        var pg = new PostgresServerFixture();
        await pg.InitializeAsync();
        var root = Path.Combine(Path.GetTempPath(), $"openledger-failover-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var db = await pg.CreateDatabaseAsync("failover_bench");
        var chain = new TestChain(accounts: senders + 1, blockIntervalMs: intervalMs);
        var cluster = new FailoverCluster(db, root, chain, line => Console.WriteLine($"  {line}"));
        var results = new List<KillTiming>();
        try
        {
            await cluster.StartAsync();
            var load = new TransferLoad(cluster.Gateway.GraphQL, chain.Rules, chain.Keys.Take(senders).ToList(), chain.Keys[senders].Address);
            using var stop = new CancellationTokenSource();
            var running = idle ? Task.FromResult<IReadOnlyList<OpenLedger.Core.Crypto.Hash32>>([]) : load.RunAsync(stop.Token, TimeSpan.FromSeconds(120));
            if (!idle) await UntilCommittedAsync(load, 20);
            for (var i = 0; i < kills; i++)
            {
                results.Add(await cluster.KillAndRestartAsync(await cluster.ProducerSiloAsync(), blockTimeout));
                if (!idle) await UntilCommittedAsync(load, load.Committed.Count + 20);
                else await UntilBlockAsync(cluster, await cluster.HeadAsync() + 2, blockTimeout);
            }
            await stop.CancelAsync();
            var uncommitted = await running;
            Print(results, load, uncommitted.Count, started);
            return results.All(r => r.NextBlock is not null) && uncommitted.Count == 0 ? 0 : 1;
        }
        catch (Exception)
        {
            Console.Error.WriteLine(cluster.Output());
            throw;
        }
        finally
        {
            await cluster.DisposeAsync();
            await pg.DisposeAsync();
            if (!keep) { try { Directory.Delete(root, recursive: true); } catch (IOException) { } }
            else Console.WriteLine($"kept: {root}");
        }
    }

    private static void Print(List<KillTiming> results, TransferLoad load, int uncommitted, DateTime started)
    {
        Console.WriteLine();
        Console.WriteLine("| kill | silo killed | head at kill | kill -> next block | producer epoch | load average (1/5/15 min) |");
        Console.WriteLine("| ---: | --- | ---: | ---: | --- | --- |");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {i + 1} | {r.Silo} | {r.HeadAtKill} | {(r.NextBlock is { } t ? $"{t.TotalSeconds:0.00} s" : "none")} | {r.EpochBefore} -> {r.EpochAfter} | {r.LoadAverage} |"));
        }
        var times = results.Select(r => r.NextBlock ?? TimeSpan.MaxValue).Order().ToList();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        var max = times[^1];
        string S(TimeSpan t) => t == TimeSpan.MaxValue ? "none" : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00} s");
        Console.WriteLine();
        Console.WriteLine($"kill -> next committed block over {results.Count} kills: median {S(median)} (target <= {TargetMedian.TotalSeconds:0} s: {(median <= TargetMedian ? "met" : "MISSED")}), " +
                          $"max {S(max)} (target <= {TargetMax.TotalSeconds:0} s: {(max <= TargetMax ? "met" : "MISSED")})");
        Console.WriteLine($"load: {load.Submitted} transfers submitted, {load.Committed.Count} committed, {uncommitted} never committed, {load.Resubmitted} resubmitted " +
                          $"(lost with a dead silo's mempool), {load.FailedRequests} failed requests retried");
        Console.WriteLine($"{(DateTime.UtcNow - started).TotalMinutes:0.0} min in all; load average at the end {FailoverCluster.LoadAverage()}");
    }

    /// <summary>On an idle chain: waits (up to <paramref name="timeout"/>) for the restarted cluster to seal blocks again,
    /// so the next kill starts from a producing cluster; a cluster that does not is measured as it is.</summary>
    private static async Task UntilBlockAsync(FailoverCluster cluster, long height, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (await cluster.HeadAsync() < height && clock.Elapsed < timeout) await Task.Delay(100);
    }

    private static async Task UntilCommittedAsync(TransferLoad load, int count)
    {
        var clock = Stopwatch.StartNew();
        while (load.Committed.Count < count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"the load committed {load.Committed.Count} of {count} transactions in 3 min");
            await Task.Delay(100);
        }
    }
}
