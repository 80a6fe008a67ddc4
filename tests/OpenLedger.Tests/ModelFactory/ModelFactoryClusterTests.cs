using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.ML.Runtime;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>Model Factory in a real two-silo cluster: ML grains land on the ML silo only; a job cancelled mid-way and
/// started again, or whose silo is stopped and replaced, continues from its checkpoint and ends with exactly the
/// adapter and training record of an uninterrupted run, bit for bit: the fixture's jobs and the reference run both
/// train on one libtorch thread.</summary>
[Collection("ml-cluster")]
public sealed class ModelFactoryClusterTests(MlClusterFixture fx, ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<TaskExample>> Examples = new(() =>
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(100).Take(12);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(100).Take(12);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    });

    // Enough examples (60) for a held-out split, which early stopping evaluates on.
    private static readonly Lazy<IReadOnlyList<TaskExample>> MoreExamples = new(() =>
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(200).Take(30);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(200).Take(30);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    });

    [Fact]
    public async Task A_job_with_a_recipe_trains_with_it_keeps_its_best_evaluation_and_its_record_says_so()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[4], "recipe", MoreExamples.Value);
        // A constant, high learning rate and a patience of one evaluation: the held-out loss soon stops improving.
        var request = new TrainingJobRequest(datanet, 0, Steps: 120, BatchSize: 4, LearningRate: 2e-2, Seed: 14,
            Schedule: "constant", LabelSmoothing: 0.1, EarlyStopping: 1);
        var job = (await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request)).Job!;
        Assert.Equal(("constant", 0.1, 1), (job.Request.Schedule, job.Request.LabelSmoothing!.Value, job.Request.EarlyStopping!.Value));
        var done = await UntilAsync(fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id)), j => j.IsFinished, TimeSpan.FromMinutes(3));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);

        var record = TrainingRecord.Parse((await fx.Content.GetAsync(done.TrainingRecord!.Value))!);
        Assert.Equal(((string?)"constant", (double?)0.1, (int?)1, (string?)null),
            (record.Hyperparameters.Schedule, record.Hyperparameters.LabelSmoothing, record.Hyperparameters.EarlyStopping, record.Hyperparameters.LabelScoring));
        Assert.True(record.Dataset.HeldOutExamples > 0, $"{record.Dataset.HeldOutExamples} held-out examples");
        Assert.Contains("warmup + constant", record.Training.Optimizer);
        Assert.Contains("label smoothing 0.1", record.Training.Optimizer);
        Assert.Contains("early stopping after 1 held-out evaluations", record.Training.Optimizer);
        // The run names the evaluation whose weights it kept: one of the ten (every 12 steps), at or before its last step.
        var best = record.Training.BestStep ?? throw new Xunit.Sdk.XunitException($"no best step in {record.Training}");
        Assert.True(best % 12 == 0 && best <= record.Training.Steps, $"best step {best} of {record.Training.Steps}");
        output.WriteLine($"recipe job: {record.Training.Steps} of 120 steps, best evaluation at step {best}, held-out loss " +
                         $"{record.Metrics.HeldOutLossBefore:F3} -> {record.Metrics.HeldOutLossAfter:F3}");

        // The same training run directly (FineTuneRun, one thread) gives the same adapter and record: the options reached the run.
        await AssertSameAsUninterruptedAsync(datanet, request, done);
    }

    [Fact]
    public async Task Ml_grains_are_placed_only_on_silos_with_the_ml_role()
    {
        var ledgerOnly = fx.Cluster.Silos.SingleOrDefault(s => s.Name == MlClusterFixture.LedgerOnlySilo)?.SiloAddress.ToString()
            ?? throw new InvalidOperationException($"no silo {MlClusterFixture.LedgerOnlySilo} among {string.Join(", ", fx.Cluster.Silos.Select(s => s.Name))}");
        for (var i = 0; i < 6; i++)
        {
            var status = await fx.Client.GetGrain<IOpenLoraGrain>(0).GetStatusAsync();
            Assert.NotEqual(ledgerOnly, status.Silo);
            Assert.StartsWith("builtin:0x", status.BaseModel);
        }
        var refused = await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(new TrainingJobRequest(Keccak256.Hash([1, 2, 3]), 0));
        Assert.Equal("DatanetNotFound", refused.ErrorCode);
        var invalid = await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(new TrainingJobRequest(Keccak256.Hash([1, 2, 3]), 0, Rank: 0));
        Assert.Equal("InvalidField", invalid.ErrorCode);
    }

    [Fact]
    public async Task A_cancelled_job_started_again_resumes_from_its_checkpoint_and_ends_with_the_uninterrupted_adapter()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[1], "cancel-resume", Examples.Value);
        // Long enough (a few seconds) that the cancellation lands mid-way on a fast machine too.
        var request = new TrainingJobRequest(datanet, 0, Steps: 200, BatchSize: 4, Seed: 11);
        var factory = fx.Client.GetGrain<IModelFactoryGrain>(0);
        var job = (await factory.SubmitAsync(request)).Job!;
        var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id));

        await UntilAsync(grain, j => j.Step >= 5);
        await grain.CancelAsync();
        var cancelled = await UntilAsync(grain, j => j.IsFinished);
        Assert.Equal(TrainingJobStatus.Cancelled, cancelled.Status);
        Assert.True(cancelled.Step is >= 5 and < 200, $"cancelled at step {cancelled.Step}");
        // The checkpoint is in the node's database (no longer under the silo's data directory), at the step it stopped.
        var checkpoint = await fx.Checkpoints.GetInfoAsync(job.Id);
        Assert.Equal(cancelled.Step, checkpoint?.Step);
        Assert.False(Directory.Exists(Path.Combine(fx.JobsDirectory, job.Id.ToString())));

        var again = (await factory.SubmitAsync(request)).Job!;
        Assert.Equal(job.Id, again.Id); // the same training is the same job
        var done = await UntilAsync(grain, j => j.IsFinished, TimeSpan.FromMinutes(3));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);
        Assert.Equal((2, 200), (done.Attempts, done.Step));
        Assert.True(done.ResumedFromStep >= 5, $"resumed from step {done.ResumedFromStep}");
        // The stored loss curve has every step once: the resumed run's repeats replaced the steps after its checkpoint.
        Assert.Equal(Enumerable.Range(1, 200), (await grain.GetLossHistoryAsync()).Where(p => p.Step > 0).Select(p => p.Step));
        // A succeeded job's checkpoint is gone: nothing resumes it.
        Assert.Null(await fx.Checkpoints.GetInfoAsync(job.Id));

        await AssertSameAsUninterruptedAsync(datanet, request, done);
    }

    [Fact]
    public async Task A_job_with_a_checkpoint_left_under_the_data_directory_by_an_older_node_continues_from_it()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[4], "legacy-checkpoint", Examples.Value);
        var request = new TrainingJobRequest(datanet, 0, Steps: 120, BatchSize: 4, Seed: 13);
        // What an older node left behind: a run of this very job, checkpointed into JobsDirectory/<job id> and stopped at step 60.
        var dataset = (await DatasetLoader.LoadAsync(fx.Client, new NodeContent(fx.Node), datanet, 1))!;
        var spec = TrainingJobIds.Spec(request);
        var version = (await fx.Client.GetGrain<IDatanetGrain>(GrainKeys.Of(datanet)).GetVersionContentsAsync(1))!.Version;
        var id = TrainingJobIds.JobId(version, FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(TestBaseModel.Directory)), spec, null);
        var legacy = Path.Combine(fx.JobsDirectory, id.ToString());
        using (var stop = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => FineTuneRun.Run(TestBaseModel.Directory, dataset, spec, legacy,
                p => { if (p.Step >= 60) stop.Cancel(); }, stop.Token, checkpointEvery: 1000, threads: 1));
        Assert.Equal(60, OpenLedger.ML.Training.TrainingCheckpoint.Load(legacy).State.Step);

        var job = (await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request)).Job!;
        Assert.Equal(id, job.Id);
        var done = await UntilAsync(fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)), j => j.IsFinished, TimeSpan.FromMinutes(3));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);
        Assert.Equal(60, done.ResumedFromStep);
        Assert.False(Directory.Exists(legacy)); // cleaned up with the job's end, like the database's row
        await AssertSameAsUninterruptedAsync(datanet, request, done);
    }

    [Fact]
    public async Task Training_jobs_beyond_the_active_quota_are_refused_until_one_ends()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[1], "quota", Examples.Value);
        var factory = fx.Client.GetGrain<IModelFactoryGrain>(0);
        TrainingJobRequest Request(long seed) => new(datanet, 0, Steps: 100_000, BatchSize: 2, Seed: seed);
        // The fixture allows 3 at once: three long jobs take every place.
        var jobs = new List<TrainingJobView>();
        for (var seed = 1; seed <= 3; seed++) jobs.Add((await factory.SubmitAsync(Request(seed))).Job!);
        try
        {
            var refused = await factory.SubmitAsync(Request(4));
            Assert.Equal((null, "TrainingQuotaExceeded"), (refused.Job, refused.ErrorCode));
            // Asking again for a job that holds a place is not a new job: it is answered.
            Assert.Equal(jobs[0].Id, (await factory.SubmitAsync(Request(1))).Job!.Id);
        }
        finally
        {
            foreach (var job in jobs)
            {
                var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id));
                await grain.CancelAsync();
                await UntilAsync(grain, j => j.IsFinished);
            }
        }
        // An ended job frees its place.
        var admitted = await factory.SubmitAsync(Request(4));
        Assert.NotNull(admitted.Job);
        var fourth = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(admitted.Job!.Id));
        await fourth.CancelAsync();
        await UntilAsync(fourth, j => j.IsFinished);
    }

    [Fact]
    public async Task A_job_whose_ml_silo_stops_is_resumed_by_the_next_ml_silo_from_its_checkpoint()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[2], "silo-restart", Examples.Value);
        var request = new TrainingJobRequest(datanet, 0, Steps: 200, BatchSize: 4, Seed: 12);
        var job = (await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request)).Job!;
        var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id));
        var running = await UntilAsync(grain, j => j.Step >= 5);

        // Stop the silo running it (gracefully: the trainer checkpoints at its next step) and start a new ML silo.
        var silo = fx.Cluster.Silos.Single(s => s.SiloAddress.ToString() == running.Silo);
        Assert.NotEqual(MlClusterFixture.LedgerOnlySilo, silo.Name);
        await fx.Cluster.StopSiloAsync(silo);
        await fx.Cluster.StartAdditionalSiloAsync();

        var done = await UntilAsync(grain, j => j.IsFinished, TimeSpan.FromMinutes(3));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);
        Assert.NotEqual(running.Silo, done.Silo);
        Assert.Equal(2, done.Attempts);
        Assert.True(done.ResumedFromStep >= 5, $"resumed from step {done.ResumedFromStep}");
        // The stored loss curve has every step once: the resumed run's repeats replaced the steps after its checkpoint.
        Assert.Equal(Enumerable.Range(1, 200), (await grain.GetLossHistoryAsync()).Where(p => p.Step > 0).Select(p => p.Step));

        await AssertSameAsUninterruptedAsync(datanet, request, done);
    }

    [Fact]
    public async Task Random_bad_requests_get_stable_codes_and_start_nothing()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[3], "bad-requests", Examples.Value.Take(4).ToList());
        var factory = fx.Client.GetGrain<IModelFactoryGrain>(0);
        var before = (await factory.ListAsync(500)).Count;
        var random = new Random(5);
        string[] targets = ["attn.c_attn", "c_attn", "wte", "", "mlp", "attn.c_proj", "c_proj"];
        double[] numbers = [0, -1, double.NaN, double.PositiveInfinity, 1e-9, 2, 1e9, -0.0];
        var codes = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            // Each request breaks at least one rule (marked), on a real datanet or an unknown one.
            var request = new TrainingJobRequest(random.Next(4) == 0 ? Keccak256.Hash(BitConverter.GetBytes(i)) : datanet,
                (uint)(random.Next(3) == 0 ? random.Next(2, 50) : 0),
                Rank: random.Next(3) == 0 ? random.Next(-5, 1) : random.Next(65, 1000),
                Alpha: numbers[random.Next(numbers.Length)],
                TargetModules: Enumerable.Range(0, random.Next(0, 4)).Select(_ => targets[random.Next(targets.Length)]).ToArray(),
                LearningRate: numbers[random.Next(numbers.Length)],
                Epochs: numbers[random.Next(numbers.Length)],
                Steps: random.Next(2) == 0 ? null : random.Next(-3, 2_000_000),
                BatchSize: random.Next(-2, 2000),
                Seed: random.Next(-3, 3),
                Schedule: new[] { null, "linear", "warm", "" }[random.Next(4)],
                LabelSmoothing: random.Next(2) == 0 ? null : numbers[random.Next(numbers.Length)],
                EarlyStopping: random.Next(2) == 0 ? null : random.Next(-2, 13),
                LabelScoring: new[] { null, "mean", "max" }[random.Next(3)]);
            var result = await factory.SubmitAsync(request);
            Assert.False(result.Ok, $"accepted {request}");
            Assert.Contains(result.ErrorCode, new[] { "InvalidField", "DatanetNotFound", "VersionNotFound" });
            Assert.False(string.IsNullOrWhiteSpace(result.Message));
            codes.Add(result.ErrorCode!);
        }
        Assert.Equal(before, (await factory.ListAsync(500)).Count);
        Assert.Contains("InvalidField", codes);
    }

    /// <summary>The job's adapter and record are byte for byte those of one uninterrupted run on the same data.</summary>
    private async Task AssertSameAsUninterruptedAsync(Hash32 datanet, TrainingJobRequest request, TrainingJobView done)
    {
        var dataset = await DatasetLoader.LoadAsync(fx.Client, new NodeContent(fx.Node), datanet, 1);
        var reference = FineTuneRun.Run(TestBaseModel.Directory, dataset!, TrainingJobIds.Spec(request), checkpointDirectory: null, threads: 1);
        Assert.Equal(reference.AdapterHash, done.Adapter);
        Assert.Equal(reference.RecordHash, done.TrainingRecord);
        Assert.Equal(reference.Adapter, await fx.Content.GetAsync(done.Adapter!.Value));
        Assert.Equal(reference.RecordBytes, await fx.Content.GetAsync(done.TrainingRecord!.Value));
    }

    private static async Task<TrainingJobView> UntilAsync(ITrainingJobGrain grain, Func<TrainingJobView, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var view = await grain.GetAsync();
            if (view is not null && condition(view)) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job state never matched; last: {view}");
            await Task.Delay(50);
        }
    }
}
