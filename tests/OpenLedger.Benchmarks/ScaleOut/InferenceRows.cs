using System.Diagnostics;
using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>Paid inferences end to end on a PostgreSQL cluster: callers sign <c>RequestInference</c> and submit through
/// the silos' GraphQL endpoints (caller c through silo c mod n); OpenLoRA serves, the attribution worker attributes and
/// the settlement grain settles with nobody in the loop; each inference is watched through GraphQL until settled. The
/// first silo runs every role and trains the model once; the extra silos are ML-capable silos joining the cluster.</summary>
public static class InferenceRows
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<List<ScaleRow>> RunAsync(ScaleOutOptions o, PostgresServerFixture pg, int? postmaster, string root)
    {
        var genesisPath = Path.Combine(root, "inferences-genesis.json");
        await File.WriteAllTextAsync(genesisPath, DevChain.Genesis(blockIntervalMs: o.InferenceBlockIntervalMs).ToJson());
        var conn = await pg.CreateDatabaseAsync("scaleout_inferences");
        using var cluster = new SiloCluster(StoreKind.PostgreSql, Path.Combine(root, "pg-inferences"), genesisPath, conn);
        Console.WriteLine("  inferences: PostgreSQL, 1 silo (all roles); the model is made once:");
        await ScaleOutBenchmark.StartAsync(cluster, []);
        var model = await ModelSetup.PrepareAsync(cluster.Clients[0], o);

        var rows = new List<ScaleRow>();
        var batch = 0;
        foreach (var n in o.SiloCounts)
        {
            Console.WriteLine($"  inferences: PostgreSQL, {n} silo(s):");
            while (cluster.Count < n) await ScaleOutBenchmark.StartAsync(cluster, []);
            if (o.WarmupInferences > 0)
            {
                // A silo that just joined has cold code paths (GraphQL, the grains it now hosts, libtorch): one unmeasured round first.
                var warm = await MeasureAsync(cluster, postmaster, model, o with { Inferences = o.WarmupInferences }, batch++, attempt: 0);
                Console.WriteLine($"    warm-up: {warm.Done}/{warm.Asked} settled in {warm.WallSeconds:F1} s");
            }
            for (var attempt = 1; ; attempt++)
            {
                var row = await MeasureAsync(cluster, postmaster, model, o, batch++, attempt);
                rows.Add(row);
                Console.WriteLine($"    {row.Silos} silo(s): {row.Done}/{row.Asked} settled, {row.PerSecond:F2} inferences/s, p50 {row.P50Ms:N0} ms, p99 {row.P99Ms:N0} ms, " +
                                  $"nodes {row.NodeCpuSeconds / Math.Max(1, row.Done):F2} CPU s per inference, load {row.LoadBefore} -> {row.LoadAfter}, others {row.OthersShare:P0}");
                if (row.Failure is not null) Console.WriteLine(cluster.Tails(40));
                if (row.OthersShare <= o.MaxOthersShare || attempt > o.Retries) break;
                Console.WriteLine($"    other processes took {row.OthersShare:P0} of the machine (over {o.MaxOthersShare:P0}): again after 30 s");
                await Task.Delay(TimeSpan.FromSeconds(30));
            }
        }
        return rows;
    }

    private static async Task<ScaleRow> MeasureAsync(SiloCluster cluster, int? postmaster, Hash32 model, ScaleOutOptions o, int batch, int attempt)
    {
        var clients = cluster.Clients;
        var chain = await clients[0].GetChainIdentityAsync();
        // Inputs uploaded and requests signed before the clock starts: the row measures the chain and the ML work.
        var perCaller = new List<SignedTransaction>[o.Callers];
        for (var c = 0; c < o.Callers; c++)
        {
            var caller = DevChain.Account(DevChain.Seed, 2 + c);
            var nonce = await clients[0].NextNonceAsync(caller.Address);
            perCaller[c] = [];
            for (var i = c; i < o.Inferences; i += o.Callers)
            {
                var input = await clients[0].UploadAsync(Encoding.UTF8.GetBytes($"scale-out row {batch}, request {i}: which lexname fits 'a small boat'?"));
                perCaller[c].Add(LedgerClient.Sign(chain, caller, nonce++, new RequestInference(model, input.Hash, Wei.FromOpen(1))));
            }
        }
        var ids = perCaller.SelectMany(l => l.Select(s => s.Hash)).ToList();

        var meter = new RowMeter(cluster, postmaster);
        meter.Start();
        var clock = Stopwatch.StartNew();
        var submitted = await Task.WhenAll(perCaller.Select((signed, c) => clients[c % clients.Count].SubmitAsync(signed)));
        var refused = submitted.SelectMany(r => r).Where(r => !r.Accepted).ToList();
        if (refused.Count > 0) return meter.Stop(ids.Count, 0, 0, double.NaN, double.NaN, attempt, $"refused: {refused[0].ErrorCode}: {refused[0].Message}");

        var settled = new Dictionary<Hash32, double>();
        var expired = 0;
        var open = new HashSet<Hash32>(ids);
        var deadline = TimeSpan.FromSeconds(120 + 30 * o.Inferences);
        var next = 0;
        while (open.Count > 0 && clock.Elapsed < deadline)
        {
            // Watched through every silo in turn, as clients of each would.
            var views = await Task.WhenAll(open.Select(id => clients[next++ % clients.Count].GetInferenceAsync(id)));
            var now = clock.Elapsed.TotalMilliseconds;
            foreach (var v in views)
            {
                if (v is null) continue;
                if (v.Status == InferenceStatus.Settled) { settled[v.Id] = now; open.Remove(v.Id); }
                else if (v.Status == InferenceStatus.Expired) { expired++; open.Remove(v.Id); }
            }
            await Task.Delay(Poll);
        }
        var latencies = settled.Values.Order().ToList();
        var rate = settled.Count == 0 ? 0 : settled.Count / (latencies[^1] / 1000);
        var failure = settled.Count == ids.Count ? null : $"{expired} expired, {open.Count} still open after {deadline.TotalSeconds:F0} s";
        return meter.Stop(ids.Count, settled.Count, rate, RowMeter.Percentile(latencies, 0.50), RowMeter.Percentile(latencies, 0.99), attempt, failure);
    }
}
