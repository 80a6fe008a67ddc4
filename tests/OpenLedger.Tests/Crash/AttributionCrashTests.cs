using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Corpus;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Crash;

/// <summary>The attribution loop under SIGKILL. A real node process (SQLite file, the ML role, the dev chain's serving
/// and attribution operators) trains a small LoRA model through Model Factory; it is registered; then rounds of paid
/// inferences are requested and the node is killed at a random moment while it serves, attributes and settles them
/// (the kill lands before, during or after the result, the record or the settlement). After the last restart every
/// requested inference must end settled exactly once (the chain is the source of truth: the worker finds an unsettled
/// served inference again), with a record in the content store that hashes to the on-chain hash and weights that name
/// only contributions of the version the model was trained on; the supply must be conserved and the chain replay from
/// genesis (<see cref="VerifyCommand"/>).</summary>
public sealed class AttributionCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    private readonly TestChain _chain = new(accounts: 6, blockIntervalMs: 150);
    private readonly string _root = TestChain.TempDirectory("openledger-attribution-crash");
    private NodeProcess? _node;
    private bool _passed;

    [Fact]
    public async Task Served_inferences_are_attributed_and_settled_exactly_once_across_repeated_SIGKILL()
    {
        var total = Stopwatch.StartNew();
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_ATTRIBUTION_CRASH_ITERATIONS"), out var it) && it > 0 ? it : 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_CRASH_SEED"), out var s) ? s : Environment.TickCount;
        var rng = new Random(seed);
        var genesisPath = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, _chain.Genesis.ToJson() + "\n");
        _node = new NodeProcess(Path.Combine(_root, "data"), genesisPath, ["--training-threads", "1"]);
        var node = _node;
        output.WriteLine($"attribution crash test: seed {seed} (OPENLEDGER_CRASH_SEED), {iterations} kills (OPENLEDGER_ATTRIBUTION_CRASH_ITERATIONS), data {node.DataDirectory}");

        await node.StartAsync(StartTimeout);
        var conn = await Connection.OpenAsync(node, _chain);
        var owner = _chain.Keys[1];
        var caller = _chain.Keys[2];

        // The model: a datanet of real WordNet glosses, approved and published, trained briefly by Model Factory on the
        // node itself (so the node holds the adapter, the training record and its attribution indexes), then registered.
        var (datanet, contributions) = await PublishedDatanetAsync(conn, owner);
        var factory = conn.Grain<IModelFactoryGrain>(0);
        var submitted = await factory.SubmitAsync(new TrainingJobRequest(datanet, 0, Steps: 20, BatchSize: 4, Seed: 17));
        Assert.True(submitted.Ok, $"{submitted.ErrorCode}: {submitted.Message}");
        var job = await UntilFinishedAsync(conn.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(submitted.Job!.Id)));
        Assert.True(job.Status == TrainingJobStatus.Succeeded, $"training job {job.Status}: {job.ErrorCode}: {job.Message}\n{node.Output}");
        var version = DatanetVersion.IdOf(datanet, 1);
        var model = (await conn.CommitAsync(owner, new RegisterModel("crash attribution model", job.BaseModel, job.Adapter!.Value, [version],
            job.TrainingRecord!.Value, new Wei(1_000_000), 7_000, 2_000, 1_000))).Hash;

        // Rounds of paid inferences, each round ended by a SIGKILL at a random moment of the serve-attribute-settle work.
        var inferences = new List<Hash32>();
        var prompts = Glosses.Value.Skip(40).Select(g => g.Input).ToList();
        for (var kill = 0; kill <= iterations; kill++)
        {
            var round = rng.Next(2, 5);
            for (var i = 0; i < round; i++)
            {
                var text = prompts[inferences.Count % prompts.Count];
                var put = await conn.Content.PutAsync(System.Text.Encoding.UTF8.GetBytes(text));
                Assert.True(put.Ok, put.Message);
                inferences.Add((await conn.CommitAsync(caller, new RequestInference(model, put.Content!.Hash, new Wei(1_000_000)))).Hash);
            }
            if (kill == iterations) break;
            await Task.Delay(rng.Next(200, 4_000));
            var states = await conn.StatusesAsync(inferences);
            node.Note($"kill {kill + 1}: {string.Join(", ", states.GroupBy(x => x).Select(g => $"{g.Count()} {g.Key}"))}");
            await conn.DisposeAsync();
            node.Kill();
            await node.StartAsync(StartTimeout);
            conn = await Connection.OpenAsync(node, _chain);
        }

        // After the last restart the loop must finish every inference from chain state alone.
        var clock = Stopwatch.StartNew();
        IReadOnlyList<InferenceStatus> final;
        while (true)
        {
            final = await conn.StatusesAsync(inferences);
            if (final.All(x => x is InferenceStatus.Settled or InferenceStatus.Expired)) break;
            Assert.True(clock.Elapsed < SettleTimeout,
                $"after {SettleTimeout.TotalSeconds:0} s: {string.Join(", ", final.GroupBy(x => x).Select(g => $"{g.Count()} {g.Key}"))} of {inferences.Count}\n{Diagnostics()}");
            await Task.Delay(250);
        }
        var settledAfterLastStart = clock.Elapsed;
        await conn.DisposeAsync();
        node.Kill();

        // The file the node left behind: every SettleAttribution that succeeded, per inference.
        var store = new SqlLedgerStore(StorageBackend.Sqlite, node.Settings.ConnectionString);
        var content = new SqlContentStore(StorageBackend.Sqlite, node.Settings.ConnectionString);
        var settlements = new Dictionary<Hash32, List<SettleAttribution>>();
        var failedSettlements = 0;
        await foreach (var block in store.ReadBlocksAsync(0))
            foreach (var raw in block.Transactions)
            {
                Assert.False(TransactionCodec.TryDecode(raw, out var signed).IsError);
                if (signed!.Tx.Body is not SettleAttribution settle) continue;
                var record = (await store.GetTransactionAsync(signed.Hash))!;
                if (record.Receipt.Status != ReceiptStatus.Success) { failedSettlements++; continue; }
                Assert.Equal(_chain.AttributionOperator.Address, signed.Tx.From);
                if (!settlements.TryGetValue(settle.Inference, out var list)) settlements[settle.Inference] = list = [];
                list.Add(settle);
            }
        var inVersion = contributions.ToHashSet();
        for (var i = 0; i < inferences.Count; i++)
        {
            if (final[i] == InferenceStatus.Expired)
            {
                Assert.False(settlements.ContainsKey(inferences[i]), $"inference {inferences[i]} expired but was settled");
                continue;
            }
            Assert.True(settlements.TryGetValue(inferences[i], out var once) && once.Count == 1,
                $"inference {inferences[i]} has {(once?.Count ?? 0)} successful settlements\n{Diagnostics()}");
            var settlement = once![0];
            var recordBytes = await content.GetAsync(settlement.Record);
            Assert.True(recordBytes is not null, $"the attribution record {settlement.Record} of {inferences[i]} is not in the content store");
            Assert.Equal(settlement.Record, Keccak256.Hash(recordBytes!));
            Assert.All(settlement.Contributions, c => Assert.Contains(c, inVersion));
            Assert.True(settlement.Weights.All(w => w > 0));
        }

        var (state, _) = await store.LoadStateAsync();
        Assert.Equal(_chain.Rules.TotalSupply.Value, state.TotalSupply());
        var replay = await VerifyCommand.VerifyAsync(_chain.Rules, store);
        Assert.True(replay.Ok, $"verify after {iterations} crashes: {replay}\n{Diagnostics()}");

        output.WriteLine($"{iterations} SIGKILLs, {node.Starts} node starts in {total.Elapsed.TotalSeconds:0.0} s; {inferences.Count} paid inferences: " +
                         $"{final.Count(x => x == InferenceStatus.Settled)} settled, {final.Count(x => x == InferenceStatus.Expired)} expired; " +
                         $"{failedSettlements} settlements refused in a block (a second attempt after a restart); " +
                         $"the last node finished the rest in {settledAfterLastStart.TotalSeconds:0.0} s; {replay}");
        _passed = true;
    }

    private static readonly Lazy<IReadOnlyList<TaskExample>> Glosses = new(() =>
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(500).Take(30);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(500).Take(30);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    });

    private static async Task<(Hash32 Datanet, List<Hash32> Contributions)> PublishedDatanetAsync(Connection conn, PrivateKey owner)
    {
        var datanet = (await conn.CommitAsync(owner, new CreateDatanet("crash attribution", "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []))).Hash;
        var contributions = new List<Hash32>();
        foreach (var example in Glosses.Value.Take(24))
        {
            var put = await conn.Content.PutAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example));
            Assert.True(put.Ok, put.Message);
            contributions.Add((await conn.CommitAsync(owner, new Contribute(datanet, put.Content!.Hash, put.Content.NormalizedHash, (ulong)put.Content.Size))).Hash);
        }
        foreach (var c in contributions) await conn.CommitAsync(owner, new Curate(c, true, ""));
        await conn.CommitAsync(owner, new PublishVersion(datanet));
        return (datanet, contributions);
    }

    private static async Task<TrainingJobView> UntilFinishedAsync(ITrainingJobGrain grain)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var view = await grain.GetAsync();
            if (view is { IsFinished: true }) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the training job never finished; last: {view}");
            await Task.Delay(100);
        }
    }

    private string Diagnostics() => $"data directory kept for inspection: {_node?.DataDirectory}\n{_node?.Output}";

    public void Dispose()
    {
        _node?.Dispose();
        if (!_passed)
        {
            output.WriteLine($"the test failed: its data directory stays for inspection: {_root}");
            return;
        }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>An Orleans client of one node process and the few steps the test takes through it.</summary>
    private sealed class Connection(IHost host, TestChain chain)
    {
        public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();
        public IContentGrain Content => Client.GetGrain<IContentGrain>(0);
        public T Grain<T>(long key) where T : IGrainWithIntegerKey => Client.GetGrain<T>(key);

        public static async Task<Connection> OpenAsync(NodeProcess node, TestChain chain) =>
            new(await NodeClient.ConnectAsync(node.Settings), chain);

        /// <summary>Signs, submits and waits for one transaction; it must commit and succeed.</summary>
        public async Task<SignedTransaction> CommitAsync(PrivateKey key, ITxBody body)
        {
            var nonce = (await Client.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
            var tx = new Transaction(chain.Rules.ChainId, key.Address, nonce, chain.GasPrice, body).Sign(key);
            var result = (await Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
            Assert.True(result.Accepted, $"{body.Kind} rejected: {result.ErrorCode}: {result.Message}");
            var view = await Client.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(CommitTimeout);
            Assert.True(view is { Status: TxStatus.Committed, Succeeded: true }, $"{body.Kind} {tx.Hash}: {view.Status}, {view.ErrorCode}");
            return tx;
        }

        public async Task<IReadOnlyList<InferenceStatus>> StatusesAsync(IReadOnlyList<Hash32> inferences)
        {
            var market = Client.GetGrain<IMarketQueryGrain>(0);
            var views = await Task.WhenAll(inferences.Select(market.GetObjectAsync));
            return views.Select(v => v?.Object is InferenceRequest r ? r.Status : (InferenceStatus)0).ToList();
        }

        public async Task DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await host.StopAsync(timeout.Token);
            }
            catch (Exception) { } // the node may already be gone
            host.Dispose();
        }
    }
}
