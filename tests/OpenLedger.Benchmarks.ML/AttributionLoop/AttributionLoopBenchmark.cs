using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Corpus;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Benchmarks.ML.AttributionLoop;

/// <summary>
/// The attribution loop end to end on one node (the `openledger run` host on a SQLite file in a temp directory, dev
/// chain): WordNet lexname examples contributed, approved and published, a Model Factory job with its indexes, the
/// model registered, then a burst of paid inferences that OpenLoRA serves and the attribution worker and settlement
/// grain settle with nobody in the loop. Watched from outside every 20 ms: when each inference is first seen served
/// and settled (wall clock), so the delay PostResult -> InferenceSettled includes a block on each side; the rate is
/// settlements per second from the first served to the last settled.
/// </summary>
public static class AttributionLoopBenchmark
{
    public static async Task<int> RunAsync(CommandLine line)
    {
        var quick = line.Flag("quick");
        var examples = line.Int("examples", quick ? 60 : 200, min: 8);
        var inferences = line.Int("inferences", quick ? 20 : 100, min: 1);
        var steps = line.Int("steps", quick ? 20 : 40, min: 1);
        var blockMs = line.Int("block-ms", 200, min: 10);
        line.ThrowOnUnread();

        Console.WriteLine($"# Attribution loop: served -> attributed -> settled on one node{(quick ? " (--quick)" : "")}");
        Console.WriteLine();
        Console.WriteLine(MachineInfo.Describe(1));
        var dir = Path.Combine(Path.GetTempPath(), $"openledger-attribution-loop-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var genesis = DevChain.Genesis(blockIntervalMs: blockMs);
        var genesisPath = Path.Combine(dir, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, genesis.ToJson());
        var settings = new NodeSettings(StorageBackend.Sqlite, $"Data Source={Path.Combine(dir, "openledger.db")};Pooling=True;Default Timeout=30", dir, genesisPath,
            FreePort(), FreePort(), null, false, 200_000, FreePort(), TrainingThreads: 1);
        var (host, _, _) = await NodeHost.BuildAsync(settings);
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var chain = new Chain(grains, genesis.ToRules());
            var owner = DevChain.Account(DevChain.Seed, 1);
            var caller = DevChain.Account(DevChain.Seed, 2);

            var setup = Stopwatch.StartNew();
            var corpus = WordNetCorpus.Load();
            var rows = corpus.Synsets.Where((_, i) => i % 97 == 0).Take(examples)
                .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
            var datanet = await chain.PublishedDatanetAsync(owner, rows);
            var job = (await grains.GetGrain<IModelFactoryGrain>(0).SubmitAsync(new TrainingJobRequest(datanet, 0, Steps: steps, BatchSize: 8, Seed: 1))).Job!;
            TrainingJobView done;
            while ((done = (await grains.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id)).GetAsync())!) is not { IsFinished: true }) await Task.Delay(200);
            if (done.Status != TrainingJobStatus.Succeeded) throw new InvalidOperationException($"the training job failed: {done.ErrorCode}: {done.Message}");
            var model = (await chain.CommitAsync(owner, [new RegisterModel("loop", done.BaseModel, done.Adapter!.Value, [DatanetVersion.IdOf(datanet, 1)],
                done.TrainingRecord!.Value, Wei.FromOpen(1), 2_000, 7_000, 1_000)]))[0];
            Console.WriteLine($"setup: {rows.Count} contributions, a {steps}-step job, model registered in {setup.Elapsed.TotalSeconds:F1} s");

            var inputs = new List<Hash32>();
            foreach (var s in corpus.Synsets.Where((_, i) => i % 89 == 1).Take(inferences))
                inputs.Add((await grains.GetGrain<IContentGrain>(0).PutAsync(Encoding.UTF8.GetBytes($"{string.Join(", ", s.Words)}: {s.Definition}"))).Content!.Hash);
            var ids = await chain.CommitAsync(caller, inputs.Select(i => (ITxBody)new RequestInference(model, i, Wei.FromOpen(1))).ToList());

            // Watch: when each inference is first seen served, and settled.
            var clock = Stopwatch.StartNew();
            var served = new Dictionary<Hash32, double>();
            var settled = new Dictionary<Hash32, double>();
            var market = grains.GetGrain<IMarketQueryGrain>(0);
            var deadline = TimeSpan.FromSeconds(60 + inferences * 2);
            while (settled.Count < ids.Count && clock.Elapsed < deadline)
            {
                var views = await market.GetObjectsAsync(ids);
                var now = clock.Elapsed.TotalMilliseconds;
                foreach (var v in views)
                {
                    var i = v!.As<InferenceRequest>();
                    if (i.Status is InferenceStatus.Served or InferenceStatus.Settled) served.TryAdd(i.Id, now);
                    if (i.Status == InferenceStatus.Settled) settled.TryAdd(i.Id, now);
                }
                await Task.Delay(20);
            }
            var worker = await grains.GetGrain<IAttributionWorkerGrain>(0).GetStatusAsync();
            if (settled.Count == 0) throw new InvalidOperationException($"nothing settled; worker: {worker}");
            var delays = Percentiles.Sorted(settled.Select(s => s.Value - served[s.Key]));
            var window = (settled.Values.Max() - served.Values.Min()) / 1000;
            var table = new Table("inferences", "settled", "settled/s", "served -> settled p50 ms", "p99 ms", "attribution mean ms", "block ms");
            table.Add(ids.Count, settled.Count, (settled.Count / window).ToString("F1"), Percentiles.Of(delays, 50).ToString("F0"),
                Percentiles.Of(delays, 99).ToString("F0"), worker.MeanAttributionMs.ToString("F1"), blockMs);
            Console.WriteLine();
            table.Print();
            return settled.Count == ids.Count ? 0 : 1;
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await host.StopAsync(cts.Token); } finally { host.Dispose(); }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Signs and submits through the node's intake, as its grains would, and waits for the commits.</summary>
    private sealed class Chain(IGrainFactory grains, ChainRules rules)
    {
        public async Task<List<Hash32>> CommitAsync(PrivateKey key, IReadOnlyList<ITxBody> bodies)
        {
            var nonce = (await grains.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
            var signed = bodies.Select((b, i) => new Transaction(rules.ChainId, key.Address, nonce + (ulong)i, rules.GasPriceFloor, b).Sign(key)).ToList();
            var submitted = await grains.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(signed.Select(s => s.Encode()).ToList());
            if (submitted.FirstOrDefault(s => !s.Accepted) is { } refused) throw new InvalidOperationException($"{refused.ErrorCode}: {refused.Message}");
            foreach (var tx in signed)
            {
                var view = await grains.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(60));
                if (view.Status != TxStatus.Committed || (view.ErrorCode ?? "None") != "None") throw new InvalidOperationException($"{tx.Hash}: {view.Status} {view.ErrorCode}");
            }
            return signed.Select(s => s.Hash).ToList();
        }

        public async Task<Hash32> PublishedDatanetAsync(PrivateKey owner, IReadOnlyList<TaskExample> examples)
        {
            var datanet = (await CommitAsync(owner, [new CreateDatanet("loop", "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, [])]))[0];
            var contributes = new List<ITxBody>();
            foreach (var example in examples)
            {
                var put = await grains.GetGrain<IContentGrain>(0).PutAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example));
                if (!put.Ok) continue; // a duplicate gloss
                contributes.Add(new Contribute(datanet, put.Content!.Hash, put.Content.NormalizedHash, (ulong)put.Content.Size));
            }
            var contributions = await CommitAsync(owner, contributes);
            await CommitAsync(owner, contributions.Select(c => (ITxBody)new Curate(c, true, "")).ToList());
            await CommitAsync(owner, [new PublishVersion(datanet)]);
            return datanet;
        }
    }
}
