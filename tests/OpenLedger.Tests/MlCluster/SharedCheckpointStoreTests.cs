using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.ML.Training;
using OpenLedger.Storage;
using OpenLedger.Storage.Checkpoints;
using OpenLedger.Tests.ML;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.MlCluster;

/// <summary>Model Factory's checkpoints in the node's database (table ml_checkpoints), on a real SQLite file and a real
/// PostgreSQL server: a run stopped mid-way and continued by a new run (as on another silo) ends bit for bit with the
/// uninterrupted adapter; a superseded run's writes are refused (the epoch fence) and change nothing; a succeeded job's
/// row goes. Also prints what one checkpoint costs to write on each backend (bytes, ms), for the README.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedCheckpointStoreTests(PostgresServerFixture pg, ITestOutputHelper output) : IDisposable
{
    private static readonly FineTuneSpec Spec = new() { Rank = 4, Alpha = 8, Steps = 12, BatchSize = 8, LearningRate = 5e-3, Seed = 21 };
    private readonly string _dir = TestChain.TempDirectory("openledger-checkpoint-store");

    private async Task<SqlTrainingCheckpoints> StoreAsync(StorageBackend backend, string name)
    {
        var conn = backend == StorageBackend.Sqlite
            ? TestChain.SqliteConnection(Path.Combine(_dir, name))
            : await pg.CreateDatabaseAsync($"{name}_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40]);
        var store = new SqlTrainingCheckpoints(backend, conn);
        await store.EnsureSchemaAsync();
        await store.EnsureSchemaAsync(); // idempotent: every ML silo applies it at start
        return store;
    }

    [Theory]
    [InlineData(StorageBackend.Sqlite)]
    [InlineData(StorageBackend.PostgreSql)]
    public async Task A_run_continued_from_the_database_by_a_new_run_ends_with_the_uninterrupted_adapter_and_a_stale_run_is_fenced(StorageBackend backend)
    {
        var store = await StoreAsync(backend, "resume");
        var dataset = FineTuneTests.Dataset();
        var job = Keccak256.Hash("job"u8);
        var uninterrupted = FineTuneRun.Run(TestBaseModel.Directory, dataset, Spec, null, threads: 1);

        // The first run (silo A) checkpoints every 4 steps and is stopped after step 6: its last checkpoint is at 6.
        var first = new JobCheckpoints(new NodeTrainingCheckpoints(store), job, await store.ClaimAsync(job, "silo-a"), Path.Combine(_dir, "no-legacy"));
        using (var stop = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => FineTuneRun.Run(TestBaseModel.Directory, dataset, Spec, null,
                p => { if (p.Step >= 6) stop.Cancel(); }, stop.Token, checkpointEvery: 4, threads: 1, checkpointStore: first));
        Assert.Equal((1L, "silo-a", 6), ((await store.GetInfoAsync(job))!.Epoch, (await store.GetInfoAsync(job))!.Silo, (await store.GetInfoAsync(job))!.Step));

        // The second run (silo B) claims the job: from now on the first run's writes are refused and change nothing.
        var second = new JobCheckpoints(new NodeTrainingCheckpoints(store), job, await store.ClaimAsync(job, "silo-b"), Path.Combine(_dir, "no-legacy"));
        Assert.Equal(2, second.Epoch);
        var stale = first.Load()!.Value;
        Assert.Throws<CheckpointFencedException>(() => first.Save(stale.State with { Step = 9 }, stale.Tensors));
        Assert.Equal(6, (await store.GetInfoAsync(job))!.Step);

        var resumed = FineTuneRun.Run(TestBaseModel.Directory, dataset, Spec, null, checkpointEvery: 4, threads: 1, checkpointStore: second);
        Assert.Equal(6, resumed.Training.ResumedFromStep);
        Assert.Equal(uninterrupted.AdapterHash, resumed.AdapterHash);
        Assert.Equal(uninterrupted.Adapter, resumed.Adapter);
        Assert.Equal(uninterrupted.RecordBytes, resumed.RecordBytes);
        Assert.Equal(12, (await store.GetInfoAsync(job))!.Step); // the final checkpoint

        // Success deletes the row, but only the holder's: the stale epoch deletes nothing.
        await store.DeleteAsync(job, first.Epoch);
        Assert.NotNull(await store.GetInfoAsync(job));
        await store.DeleteAsync(job, second.Epoch);
        Assert.Null(await store.GetInfoAsync(job));
        Assert.Null(await store.ReadAsync(job));
    }

    [Theory]
    [InlineData(StorageBackend.Sqlite)]
    [InlineData(StorageBackend.PostgreSql)]
    public async Task Two_runs_claiming_one_job_at_once_get_distinct_epochs_and_only_the_last_may_write(StorageBackend backend)
    {
        var store = await StoreAsync(backend, "claims");
        var job = Keccak256.Hash("raced job"u8);
        var epochs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.ClaimAsync(job, $"silo-{i}"))));
        Assert.Equal(Enumerable.Range(1, 8).Select(e => (long)e), epochs.Order());
        Assert.False(await store.WriteAsync(job, 7, 50, "{}", [1, 2, 3]));
        Assert.True(await store.WriteAsync(job, 8, 50, "{}", [1, 2, 3]));
        Assert.Equal((8L, 50, 3L), ((await store.GetInfoAsync(job))!.Epoch, (await store.GetInfoAsync(job))!.Step!.Value, (await store.GetInfoAsync(job))!.Bytes));
        Assert.False(await store.WriteAsync(Keccak256.Hash("no such job"u8), 1, 1, "{}", [1])); // never claimed: nothing to write
    }

    /// <summary>The checkpoint cost for the README: a real checkpoint of the built-in model's default LoRA (rank 8 on
    /// every projection: the adapter's tensors and AdamW's two moments) written repeatedly to each backend.</summary>
    [Fact]
    public async Task Prints_what_one_checkpoint_costs_to_write_on_sqlite_and_postgres()
    {
        var capture = new CapturingStore();
        FineTuneRun.Run(TestBaseModel.Directory, FineTuneTests.Dataset(), new FineTuneSpec { Steps = 1, BatchSize = 8 }, null,
            checkpointEvery: 1, threads: 1, checkpointStore: capture);
        var (state, tensors) = capture.Last!.Value;
        var json = TrainingCheckpoint.ToJson(state);
        const int writes = 20;
        // Before: the silo's data directory (two files, each written then renamed), what a job wrote until now.
        var local = new DirectoryCheckpointStore(Path.Combine(_dir, "local-checkpoint"));
        local.Save(state, tensors);
        var fileClock = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++) local.Save(state with { Step = i }, tensors);
        output.WriteLine($"checkpoint {tensors.Length:N0} bytes (+{json.Length} bytes JSON) in the data directory (before): write " +
                         $"{fileClock.Elapsed.TotalMilliseconds / writes:F2} ms (mean of {writes}; load average {LoadAverage()})");
        foreach (var backend in new[] { StorageBackend.Sqlite, StorageBackend.PostgreSql })
        {
            var store = await StoreAsync(backend, "cost");
            var job = Keccak256.Hash("cost"u8);
            var epoch = await store.ClaimAsync(job, "silo");
            Assert.True(await store.WriteAsync(job, epoch, 1, json, tensors)); // warm: connection pool, first row
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < writes; i++) Assert.True(await store.WriteAsync(job, epoch, i, json, tensors));
            var ms = clock.Elapsed.TotalMilliseconds / writes;
            clock.Restart();
            for (var i = 0; i < writes; i++) Assert.Equal(tensors, (await store.ReadAsync(job))!.Tensors);
            var readMs = clock.Elapsed.TotalMilliseconds / writes;
            output.WriteLine($"checkpoint {tensors.Length:N0} bytes (+{json.Length} bytes JSON) on {backend}: write {ms:F2} ms, read {readMs:F2} ms " +
                             $"(mean of {writes}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()})");
        }
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed class CapturingStore : ITrainingCheckpointStore
    {
        public (TrainingCheckpoint State, byte[] Tensors)? Last { get; private set; }
        public (TrainingCheckpoint State, byte[] Tensors)? Load() => null;
        public void Save(TrainingCheckpoint state, byte[] tensors) => Last = (state, tensors);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
