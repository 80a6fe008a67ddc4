using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.ML.Corpus;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Checkpoints;
using OpenLedger.Storage.Content;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.MlCluster;

/// <summary>
/// A real PostgreSQL cluster of real node processes (<see cref="NodeProcess"/>, `openledger run --postgres`): one core
/// silo without the ML role (`--no-ml`; started first, so the block producer lives there) and two ML silos, all on one
/// fresh database of the shared PostgreSQL server, one cluster certificate, one libtorch thread per training job (so a
/// job's adapter is bit-reproducible). Started once per test class (<see cref="StartAsync"/>, by the first test);
/// a test that kills an ML silo starts it again with <see cref="EnsureMlSilosRunningAsync"/>. The test talks to the
/// cluster through an Orleans client on the core silo's gateway (never killed) and its GraphQL endpoint.
/// </summary>
public sealed class MlProcessCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IHost? _client;

    public TestChain Chain { get; } = new(accounts: 6, blockIntervalMs: 150);
    public string Root { get; } = TestChain.TempDirectory("openledger-ml-process-cluster");
    public string ConnectionString { get; private set; } = "";
    public NodeProcess Core { get; private set; } = null!;
    public NodeProcess[] MlSilos { get; private set; } = [];
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("not started");
    public SqlTrainingCheckpoints Checkpoints { get; private set; } = null!;
    public SqlContentStore Content { get; private set; } = null!;
    public bool Started => _client is not null;

    /// <summary>The core node's GraphQL endpoint and its operator token file.</summary>
    public Uri GraphQL => new($"http://127.0.0.1:{Core.HttpPort}/graphql");
    public string OperatorTokenFile => Path.Combine(Core.DataDirectory, "operator.token");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task StartAsync(PostgresServerFixture pg)
    {
        await _gate.WaitAsync();
        try
        {
            if (Started) return;
            ConnectionString = await pg.CreateDatabaseAsync($"ml_cluster_{Environment.ProcessId}");
            var genesis = Path.Combine(Root, "genesis.json");
            await File.WriteAllTextAsync(genesis, Chain.Genesis.ToJson() + "\n");
            string[] common = ["--postgres", ConnectionString, "--training-threads", "1"];
            Core = new NodeProcess(Path.Combine(Root, "core"), genesis, [.. common, "--no-ml"]);
            await Core.StartAsync(StartTimeout);
            // One cluster certificate (mutual TLS between silos): the core made it; the ML silos present the same file.
            string[] ml = [.. common, "--cluster-cert", Path.Combine(Core.DataDirectory, "cluster.pfx")];
            MlSilos = [new NodeProcess(Path.Combine(Root, "ml-a"), genesis, ml), new NodeProcess(Path.Combine(Root, "ml-b"), genesis, ml)];
            await Task.WhenAll(MlSilos.Select(n => n.StartAsync(StartTimeout)));
            // The client joins through the core's gateway only (the core is never killed).
            _client = await NodeClient.ConnectAsync(Core.Settings);
            Checkpoints = new SqlTrainingCheckpoints(StorageBackend.PostgreSql, ConnectionString);
            Content = new SqlContentStore(StorageBackend.PostgreSql, ConnectionString);
        }
        finally { _gate.Release(); }
    }

    /// <summary>Starts again any ML silo a test killed, and waits until both are active members.</summary>
    public async Task EnsureMlSilosRunningAsync()
    {
        await Task.WhenAll(MlSilos.Where(n => !n.IsRunning).Select(n => n.StartAsync(StartTimeout)));
    }

    /// <summary>The node whose silo address (Orleans' <c>S127.0.0.1:port:generation</c> or <c>127.0.0.1:port@generation</c>) this is.</summary>
    public NodeProcess NodeOf(string siloAddress) =>
        MlSilos.Concat([Core]).Single(n => siloAddress.Contains($":{n.SiloPort}:", StringComparison.Ordinal) || siloAddress.Contains($":{n.SiloPort}@", StringComparison.Ordinal));

    /// <summary>Signs with the sender's next nonce, submits and waits for a successful commit.</summary>
    public async Task<Hash32> CommitAsync(PrivateKey key, ITxBody body)
    {
        var nonce = (await Client.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
        var tx = new Transaction(Chain.Rules.ChainId, key.Address, nonce, Chain.GasPrice, body).Sign(key);
        var submitted = (await Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
        Assert.True(submitted.Accepted, $"{body.Kind}: {submitted.ErrorCode}: {submitted.Message}");
        var view = await Client.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(60));
        Assert.True(view is { Status: TxStatus.Committed, Succeeded: true }, $"{body.Kind} {tx.Hash}: {view.Status}, {view.ErrorCode}");
        return tx.Hash;
    }

    private Hash32? _datanet;

    /// <summary>A text-label datanet of 24 WordNet glosses (two categories), published as version 1; made once per cluster.</summary>
    public async Task<Hash32> DatanetAsync()
    {
        if (_datanet is { } made) return made;
        var owner = Chain.Keys[1];
        var corpus = WordNetCorpus.Load();
        var examples = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(200).Take(12)
            .Zip(corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(200).Take(12))
            .SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
        var datanet = await CommitAsync(owner, new CreateDatanet("ml cluster", "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []));
        var contributions = new List<Hash32>();
        foreach (var example in examples)
        {
            var put = await Client.GetGrain<IContentGrain>(0).PutAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example));
            Assert.True(put.Ok, put.Message);
            contributions.Add(await CommitAsync(owner, new Contribute(datanet, put.Content!.Hash, put.Content.NormalizedHash, (ulong)put.Content.Size)));
        }
        foreach (var c in contributions) await CommitAsync(owner, new Curate(c, true, ""));
        await CommitAsync(owner, new PublishVersion(datanet));
        _datanet = datanet;
        return datanet;
    }

    /// <summary>What every node printed, for a failing test.</summary>
    public string Output => string.Join("\n", MlSilos.Concat([Core]).Where(n => n is not null).Select(n => $"--- {n.DataDirectory}\n{n.Tail(150)}"));

    public async Task DisposeAsync()
    {
        if (_client is { } client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.StopAsync(timeout.Token);
            }
            catch (Exception) { } // the cluster may be gone
            client.Dispose();
        }
        foreach (var node in MlSilos) node.Dispose();
        Core?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
