using System.Diagnostics;
using OpenLedger.Cli;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Storage.Content;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.MlCluster;

/// <summary>
/// Shared ML state in a real PostgreSQL cluster of real node processes (<see cref="MlProcessCluster"/>: a core silo and
/// two ML silos). A training job whose ML silo is SIGKILLed after at least one checkpoint is resumed by the surviving
/// ML silo (its unfinished-jobs watch) from its last checkpoint in the database, not from step 0, and ends SUCCEEDED
/// with exactly the adapter and record of an uninterrupted run. OpenLoRA administration is addressed per silo: the
/// list shows both ML silos (not the core), an eviction on one leaves the other's copy loaded, and an unknown address
/// is refused with SiloNotFound, through GraphQL and the CLI.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MlSiloFailoverTests(PostgresServerFixture pg, MlProcessCluster cluster, ITestOutputHelper output) : IClassFixture<MlProcessCluster>
{
    [Fact]
    public async Task A_job_whose_ml_silo_is_killed_resumes_on_the_other_ml_silo_from_its_last_checkpoint_and_ends_with_the_uninterrupted_adapter()
    {
        await cluster.StartAsync(pg);
        await cluster.EnsureMlSilosRunningAsync();
        var datanet = await cluster.DatanetAsync();
        // 300 steps of 4: checkpoints at 50, 100, ... (FineTuneRun.DefaultCheckpointEvery); a few seconds of training at least.
        var request = new TrainingJobRequest(datanet, 0, Steps: 300, BatchSize: 4, Seed: 31);
        var submitted = await cluster.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request);
        Assert.True(submitted.Ok, $"{submitted.ErrorCode}: {submitted.Message}");
        var id = submitted.Job!.Id;
        var grain = cluster.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id));

        // Wait for the first checkpoint in the database, then SIGKILL the silo running the job.
        var checkpoint = await UntilAsync(async () => await cluster.Checkpoints.GetInfoAsync(id) is { Step: >= 50 } info ? info : null, TimeSpan.FromMinutes(4), "a first checkpoint");
        var running = await grain.GetAsync();
        Assert.Equal(TrainingJobStatus.Running, running!.Status);
        var victim = cluster.NodeOf(checkpoint.Silo);
        Assert.Contains(victim, cluster.MlSilos);
        Assert.Same(victim, cluster.NodeOf(running.Silo!));
        var survivor = cluster.MlSilos.Single(n => n != victim);
        var before = await cluster.Checkpoints.GetInfoAsync(id); // the latest step written before the kill
        var clock = Stopwatch.StartNew();
        victim.Kill();
        output.WriteLine($"killed the ML silo running job {id} (silo port {victim.SiloPort}) at its checkpoint of step {before!.Step} (epoch {before.Epoch})");

        // The survivor claims the job (a new epoch in its checkpoint row) and continues it.
        var claimed = await UntilAsync(async () => await cluster.Checkpoints.GetInfoAsync(id) is { } info && info.Epoch > before.Epoch ? info : null,
            TimeSpan.FromMinutes(3), "the job's resumption on the surviving ML silo");
        var resumedAfter = clock.Elapsed;
        Assert.Same(survivor, cluster.NodeOf(claimed.Silo));
        var done = await UntilAsync(async () => await grain.GetAsync() is { IsFinished: true } view ? view : null, TimeSpan.FromMinutes(5), "the job's end");
        output.WriteLine($"job resumed on silo port {survivor.SiloPort} {resumedAfter.TotalSeconds:F1} s after the kill (load average {SharedCheckpointStoreTests.LoadAverage()}), " +
                         $"from step {done.ResumedFromStep}; ended {done.Status} {clock.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(done.Status == TrainingJobStatus.Succeeded, $"{done.Status}: {done.ErrorCode}: {done.Message}\n{cluster.Output}");
        Assert.Same(survivor, cluster.NodeOf(done.Silo!));
        Assert.Equal(2, done.Attempts);
        // Resumed from the last checkpoint the killed silo wrote (not step 0, and not an older one).
        Assert.True(done.ResumedFromStep >= before.Step && done.ResumedFromStep > 0, $"resumed from step {done.ResumedFromStep}; the last checkpoint before the kill was at {before.Step}");
        Assert.Equal(0, done.ResumedFromStep % FineTuneRun.DefaultCheckpointEvery);
        // The loss curve: each step once, in order, every step from the resumed run on. (A SIGKILL loses the points
        // reported after the job's last state write, every 5 s, which the resumed run does not repeat when they were
        // before its checkpoint; a graceful stop drains them first.)
        var curve = (await grain.GetLossHistoryAsync()).Where(p => p.Step > 0).Select(p => p.Step).ToList();
        Assert.Equal(curve.Order().Distinct(), curve);
        Assert.Equal(Enumerable.Range(done.ResumedFromStep + 1, 300 - done.ResumedFromStep), curve.Where(s => s > done.ResumedFromStep));
        output.WriteLine($"loss curve: {curve.Count} of 300 steps kept");
        Assert.Null(await cluster.Checkpoints.GetInfoAsync(id)); // a succeeded job's checkpoint is gone

        // The uninterrupted run, in this process on one thread: the same adapter and record, bit for bit.
        var dataset = await DatasetLoader.LoadAsync(cluster.Client, new StoreContent(cluster.Content), datanet, 1);
        var reference = FineTuneRun.Run(TestBaseModel.Directory, dataset!, TrainingJobIds.Spec(request), null, threads: 1);
        Assert.Equal(reference.AdapterHash, done.Adapter);
        Assert.Equal(reference.RecordHash, done.TrainingRecord);
        Assert.Equal(reference.Adapter, await cluster.Content.GetAsync(done.Adapter!.Value));
    }

    [Fact]
    public async Task Adapters_are_administered_per_ml_silo_through_graphql_and_the_cli()
    {
        await cluster.StartAsync(pg);
        await cluster.EnsureMlSilosRunningAsync();
        var adapter = await TrainedAdapterAsync();
        using var client = new LedgerClient(cluster.GraphQL, (await File.ReadAllTextAsync(cluster.OperatorTokenFile)).Trim());

        // Loaded on every ML silo: one result per silo.
        var loaded = await UntilAsync(async () =>
        {
            var results = await client.AdapterOnSilosAsync("LOAD", adapter, null);
            return results.Count == 2 ? results : null; // both ML silos are active members (a restarted one takes a few seconds)
        }, TimeSpan.FromMinutes(2), "two ML silos");
        Assert.All(loaded, r => Assert.True(r.Ok && r.Adapter?.State == "resident", $"{r.Silo}: {r.ErrorCode}: {r.Message}"));

        var silos = await client.GetMlSilosAsync();
        Assert.Equal(2, silos.Count); // the core silo (--no-ml) is not an ML silo
        Assert.Equal(cluster.MlSilos.Select(n => n.SiloPort).Order(), silos.Select(s => cluster.NodeOf(s.Address).SiloPort).Order());
        Assert.All(silos, s => Assert.Contains(s.Adapters, a => a.Adapter == adapter && a.State == "resident"));
        Assert.All(silos, s => Assert.True(s.WorkingSetBytes > 0 && s.BudgetBytes > 0 && s.UsedBytes > 0, s.ToString()));

        // Evicted on one: the other keeps it loaded.
        var (first, second) = (silos[0].Address, silos[1].Address);
        var evicted = Assert.Single(await client.AdapterOnSilosAsync("UNLOAD", adapter, first));
        Assert.True(evicted.Ok, $"{evicted.ErrorCode}: {evicted.Message}");
        Assert.Equal(first, evicted.Silo);
        var after = (await client.GetMlSilosAsync()).ToDictionary(s => s.Address);
        Assert.DoesNotContain(after[first].Adapters, a => a.Adapter == adapter && a.State is "resident" or "pinned");
        Assert.Contains(after[second].Adapters, a => a.Adapter == adapter && a.State == "resident");
        // Each silo answers with its own code: unloading again on the first is AdapterNotLoaded.
        var again = Assert.Single(await client.AdapterOnSilosAsync("UNLOAD", adapter, first));
        Assert.Equal(("AdapterNotLoaded", false), (again.ErrorCode, again.Ok));

        // Bad input: an address that names no live ML silo (unknown, the core's, or not an address) acts nowhere.
        var coreAddress = $"127.0.0.1:{cluster.Core.SiloPort}@1";
        foreach (var bad in new[] { "127.0.0.1:1@1", coreAddress, "not an address" })
        {
            var refused = await Assert.ThrowsAsync<GraphQLRequestException>(() => client.AdapterOnSilosAsync("PIN", adapter, bad));
            Assert.Equal("SiloNotFound", refused.Code);
        }
        Assert.Contains((await client.GetMlSilosAsync()).Single(s => s.Address == second).Adapters, a => a.Adapter == adapter && a.State == "resident");
        // Operator only.
        using var anonymous = new LedgerClient(cluster.GraphQL);
        Assert.Equal("OPERATOR_REQUIRED", (await Assert.ThrowsAsync<GraphQLRequestException>(() => anonymous.GetMlSilosAsync())).Code);

        // The CLI: list, act on one silo, and the stable code for an unknown one.
        string[] node = ["--node", cluster.GraphQL.ToString(), "--operator-token-file", cluster.OperatorTokenFile];
        var (code, text) = await CliAsync(["ml-silos", .. node]);
        Assert.True(code == 0, text);
        Assert.Contains(first, text);
        Assert.Contains(second, text);
        (code, text) = await CliAsync(["adapter", "load", "--adapter", adapter.ToString(), "--silo", first, .. node]);
        Assert.True(code == 0, text);
        Assert.Contains($"{first}: {adapter}  resident", text);
        (code, text) = await CliAsync(["adapter", "unload", "--adapter", adapter.ToString(), "--silo", "127.0.0.1:1@1", .. node]);
        Assert.Equal(1, code);
        Assert.Contains("SiloNotFound", text);
        var (usage, _) = await CliAsync(["adapter", "evict-everything", "--adapter", adapter.ToString(), .. node]);
        Assert.Equal(2, usage);
    }

    private static async Task<(int Code, string Output)> CliAsync(string[] argv)
    {
        using var writer = new StringWriter();
        try { return (await ClientVerbs.ExecuteAsync(new Args(argv), writer), writer.ToString()); }
        catch (UsageException e) { return (2, writer + e.Message); }
    }

    private Hash32? _adapter;

    /// <summary>A short job's adapter (the cluster trains it), in the content store.</summary>
    private async Task<Hash32> TrainedAdapterAsync()
    {
        if (_adapter is { } made) return made;
        var datanet = await cluster.DatanetAsync();
        var submitted = await cluster.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(new TrainingJobRequest(datanet, 0, Steps: 10, BatchSize: 4, Seed: 32));
        Assert.True(submitted.Ok, $"{submitted.ErrorCode}: {submitted.Message}");
        var grain = cluster.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(submitted.Job!.Id));
        var done = await UntilAsync(async () => await grain.GetAsync() is { IsFinished: true } view ? view : null, TimeSpan.FromMinutes(4), "the adapter's job");
        Assert.True(done.Status == TrainingJobStatus.Succeeded, $"{done.Status}: {done.ErrorCode}: {done.Message}");
        return (_adapter = done.Adapter!.Value).Value;
    }

    /// <summary>Polls until <paramref name="probe"/> gives a value; a call that fails (a silo just died) is retried.</summary>
    private async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException) { last = e; }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0} s (last error: {last?.Message})\n{cluster.Output}");
    }

    /// <summary>The content store as the job grains see it (for the dataset loader).</summary>
    private sealed class StoreContent(SqlContentStore store) : INodeContent
    {
        public Task<byte[]?> GetAsync(Hash32 hash, CancellationToken cancellationToken = default) => store.GetAsync(hash, cancellationToken);
        public async Task<Hash32> PutAsync(byte[] content, CancellationToken cancellationToken = default) => (await store.PutAsync(content, cancellationToken)).Hash;
    }
}
