using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.ML.Training;

namespace OpenLedger.ML.Grains.ModelFactory;

[GenerateSerializer]
public sealed class TrainingJobState
{
    [Id(0)] public TrainingJobView? View { get; set; }
    /// <summary>The job's loss curve (<see cref="LossHistory"/>), kept apart from the view so the stream's messages
    /// stay small. State stored before it existed loads with it empty.</summary>
    [Id(1)] public List<TrainingLossPoint> History { get; set; } = [];
    [Id(2)] public int HistoryStride { get; set; } = 1;
}

/// <summary>
/// One Model Factory job. The training itself (<see cref="FineTuneRun"/>) runs on a thread-pool thread, never on the
/// Orleans scheduler; it reports each step into a field that a grain timer reads every half second to update the view,
/// publish it on the job's stream (<see cref="MarketStreams.TrainingStream"/>) and, when the run ends, store the
/// adapter, its attribution indexes (built by the run after the last step) and the training record in the content store. The view is written to grain storage on every status change
/// and every few seconds, and the trainer checkpoints every <see cref="FineTuneRun.DefaultCheckpointEvery"/> steps
/// into the node's database (<see cref="JobCheckpoints"/>, shared by every ML silo): a job whose silo stops or dies
/// is resumed on any ML silo (<see cref="Hosting.UnfinishedJobsWatch"/>) from its last checkpoint, and because the
/// run is deterministic it ends with the adapter an uninterrupted run would have produced.
/// <para>Each run writes the job's state (grain storage checks its ETag) and then claims the job's epoch in the
/// checkpoint table before it starts. A stale run (its silo paused past the
/// membership timeout while another silo took the job over) is stopped by whichever comes first: its next checkpoint
/// write (refused: <see cref="CheckpointFencedException"/>) or its next state write (refused by grain storage's ETag:
/// <see cref="Orleans.Storage.InconsistentStateException"/>); it then deactivates without writing anything.</para>
/// </summary>
public sealed class TrainingJobGrain(
    [PersistentState("trainingJob", "ledger")] IPersistentState<TrainingJobState> state,
    INodeContent content,
    ITrainingCheckpoints checkpoints,
    MlOptions options,
    ILocalSiloDetails silo,
    ILogger<TrainingJobGrain> logger) : Grain, ITrainingJobGrain
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(5);

    private CancellationTokenSource? _cancel;
    private Task<FineTuneResult>? _run;
    private TrainingProgress? _latest;
    // Every report, not only the latest the timer sees: the curve has a point per step (until LossHistory thins it).
    private readonly System.Collections.Concurrent.ConcurrentQueue<TrainingProgress> _reports = new();
    private TrainingProgress? _published;
    private IGrainTimer? _timer;
    private DateTime _lastPersist;
    private bool _deactivating;
    private bool _sawProgressThisRun;
    private TrainingProgress? _firstReport;
    private JobCheckpoints? _checkpoints;
    private bool _fenced;
    private int _persistedCheckpoint = -1;

    private Hash32 Id => Hash32.Parse(this.GetPrimaryKeyString());
    private TrainingJobView? View => state.State.View;

    public Task<TrainingJobView?> GetAsync() => Task.FromResult(View);

    public Task<TrainingLossPoint[]> GetLossHistoryAsync() => Task.FromResult(state.State.History.ToArray());

    public async Task<TrainingJobView> StartAsync(TrainingJobView initial)
    {
        if (initial.Id != Id) throw new ArgumentException($"job {initial.Id} sent to grain {Id}");
        if (View is { } existing)
        {
            if (existing.Status is TrainingJobStatus.Succeeded) return existing;
            if (existing.Status is TrainingJobStatus.Queued or TrainingJobStatus.Running)
            {
                if (_run is null) await RunAsync();
                return View!;
            }
        }
        // New, or cancelled / failed before: (re)start; the checkpoint, if any, is continued.
        state.State.View = (View ?? initial) with
        {
            Status = TrainingJobStatus.Queued, ErrorCode = null, Message = null, FinishedMs = null,
        };
        await PersistAndPublishAsync();
        await RunAsync();
        return View!;
    }

    public async Task<TrainingJobView?> CancelAsync()
    {
        if (View is not { IsFinished: false }) return View;
        if (_run is null)
        {
            await FinishAsync(TrainingJobStatus.Cancelled, MlErrorCode.Cancelled, "cancelled before it started");
            return View;
        }
        _cancel?.Cancel(); // the trainer stops after its current step and checkpoints; the timer records the outcome
        return View;
    }

    public async Task ResumeAsync()
    {
        if (View is { IsFinished: false } && _run is null) await RunAsync();
    }

    public async Task<byte[]?> GetRecordAsync() =>
        View?.TrainingRecord is { } record ? await content.GetAsync(record) : null;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The silo is stopping (or the grain is being moved): stop at the next step with a checkpoint and stay
        // "running" in storage, so the next ML silo to start resumes the job.
        if (_run is { IsCompleted: false } run && !_fenced)
        {
            _deactivating = true;
            _cancel?.Cancel();
            try { await run.WaitAsync(cancellationToken); } catch { /* recorded as not finished: resumed later */ }
            // The steps reported since the last tick go into the stored curve too: the resumed run repeats only
            // those after its checkpoint.
            DrainReports();
            await state.WriteStateAsync();
        }
        _timer?.Dispose();
    }

    private async Task RunAsync()
    {
        if (_fenced) return; // this activation is going away: the successor runs the job
        var view = View!;
        var dataset = await DatasetLoader.LoadAsync(GrainFactory, content, view.Request.Datanet, view.Request.VersionNumber);
        if (dataset is null)
        {
            await FinishAsync(TrainingJobStatus.Failed, MlErrorCode.VersionNotFound, $"datanet {view.Request.Datanet} version {view.Request.VersionNumber} is not on this chain");
            return;
        }
        var spec = TrainingJobIds.Spec(view.Request);
        if (FineTuneRun.Problem(dataset, spec) is { } problem)
        {
            await FinishAsync(TrainingJobStatus.Failed, dataset.Examples.Count == 0 ? MlErrorCode.NoExamples : MlErrorCode.InvalidField, problem);
            return;
        }
        state.State.View = view with
        {
            Status = TrainingJobStatus.Running,
            Examples = dataset.Examples.Count,
            StartedMs = view.StartedMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Attempts = view.Attempts + 1,
            Silo = silo.SiloAddress.ToString(),
        };
        // The state write first: grain storage's ETag refuses it if another activation has written since this one read,
        // so a stale activation never gets as far as claiming the job from its successor.
        await PersistAndPublishAsync();
        var epoch = await checkpoints.ClaimAsync(Id, silo.SiloAddress.ToParsableString());
        var jobCheckpoints = _checkpoints = new JobCheckpoints(checkpoints, Id, epoch, LegacyCheckpointDirectory);

        _cancel = new CancellationTokenSource();
        _sawProgressThisRun = false;
        _firstReport = null;
        _persistedCheckpoint = -1;
        var token = _cancel.Token;
        var basePath = options.BaseModelPath;
        var threads = options.Threads;
        var owner = view.Owner?.ToString();
        _run = Task.Run(() => FineTuneRun.Run(basePath, dataset, spec, null, p =>
        {
            Interlocked.CompareExchange(ref _firstReport, p, null);
            _reports.Enqueue(p);
            Volatile.Write(ref _latest, p);
        }, token, threads: threads, owner: owner, checkpointStore: jobCheckpoints), token);
        _timer ??= this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(Tick, Tick) { KeepAlive = true, Interleave = false });
        logger.LogInformation("training job {Job}: {Examples} examples of datanet {Datanet} v{Version}, attempt {Attempt}, run epoch {Epoch}",
            Id, dataset.Examples.Count, view.Request.Datanet, view.Request.VersionNumber, View!.Attempts, epoch);
    }

    /// <summary>Where nodes before the shared checkpoints kept this job's checkpoint (read when the database has none).</summary>
    private string LegacyCheckpointDirectory => Path.Combine(options.JobsDirectory, Id.ToString());

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        try { await TickAsync(); }
        catch (Orleans.Storage.InconsistentStateException e) { Superseded(e); }
    }

    /// <summary>Another activation of this job (on another silo) has taken it over: stop this run and go away without
    /// writing (the job's state and checkpoint are the successor's).</summary>
    private void Superseded(Exception e)
    {
        logger.LogWarning("training job {Job}: this run on {Silo} was superseded by a later run ({Reason}); it stops without recording anything",
            Id, silo.SiloAddress, e.Message);
        _fenced = true;
        _cancel?.Cancel();
        DeactivateOnIdle();
    }

    private async Task TickAsync()
    {
        if (_run is null || _deactivating || _fenced) return;
        DrainReports();
        var latest = Volatile.Read(ref _latest);
        if (latest is not null && !ReferenceEquals(latest, _published))
        {
            _published = latest;
            var view = View!;
            var first = !_sawProgressThisRun;
            _sawProgressThisRun = true;
            state.State.View = view with
            {
                Step = latest.Step,
                TotalSteps = latest.TotalSteps,
                Loss = Finite(latest.Loss) ?? view.Loss,
                EvalLoss = Finite(latest.EvalLoss) ?? view.EvalLoss,
                InitialEvalLoss = view.InitialEvalLoss ?? (latest.Step == 0 ? Finite(latest.EvalLoss) : null),
                TokensPerSecond = Finite(latest.TokensPerSecond) ?? 0,
                EtaSeconds = latest.Step > 0 ? Math.Round(latest.Eta.TotalSeconds, 1) : null,
                // The first report of a run that continued a checkpoint is the step after it (the trainer's first
                // report, not the latest the timer sees: several steps may pass between two ticks).
                ResumedFromStep = first && Volatile.Read(ref _firstReport) is { Step: > 0 } firstReport ? firstReport.Step - 1 : view.ResumedFromStep,
            };
            // Also written after each checkpoint: a silo that dies then loses no point of the curve before the step the
            // resumed run starts from (that run repeats only the steps after it).
            var checkpointed = _checkpoints?.SavedStep ?? -1;
            if (DateTime.UtcNow - _lastPersist > PersistEvery || checkpointed > _persistedCheckpoint)
            {
                _persistedCheckpoint = checkpointed;
                await PersistAndPublishAsync();
            }
            else await PublishAsync();
        }
        if (!_run.IsCompleted) return;

        var run = _run;
        _run = null;
        _timer?.Dispose();
        _timer = null;
        DrainReports(); // the reports since this tick's first drain: the run ended after its last one
        try
        {
            var result = await run;
            AddPoint(new TrainingLossPoint(result.Training.Steps, Finite(result.Training.LastLoss), Finite(result.Training.FinalEvalLoss)), force: true);
            // The indexes first and the record last: a record in the store never names an artifact that is not.
            await content.PutAsync(result.Adapter);
            await content.PutAsync(result.Attribution.InfluenceIndex);
            await content.PutAsync(result.Attribution.SpanIndex);
            await content.PutAsync(result.RecordBytes);
            var metrics = result.Record.Metrics;
            state.State.View = View! with
            {
                Step = result.Training.Steps,
                TotalSteps = result.Training.Steps,
                Loss = Finite(result.Training.LastLoss),
                EvalLoss = Finite(result.Training.FinalEvalLoss) ?? View!.EvalLoss,
                InitialEvalLoss = Finite(result.Training.InitialEvalLoss) ?? View!.InitialEvalLoss,
                EtaSeconds = 0,
                Adapter = result.AdapterHash,
                TrainingRecord = result.RecordHash,
                BaseAccuracy = Finite(metrics.BaseAccuracy),
                Accuracy = Finite(metrics.Accuracy),
                InfluenceIndex = result.Attribution.InfluenceIndexHash,
                SpanIndex = result.Attribution.SpanIndexHash,
                IndexSeconds = Math.Round(result.Attribution.Elapsed.TotalSeconds, 3),
                Flags = result.Attribution.Flags.Select(f => new ContributionFlagView(f.Contribution, f.Examples, f.FlaggedExamples, f.Score, f.Reason)).ToArray(),
            };
            await FinishAsync(TrainingJobStatus.Succeeded, null, null);
            // Nothing resumes a succeeded job: its checkpoint goes (a failed or cancelled one keeps it: starting it again continues).
            if (_checkpoints is { } done) await checkpoints.DeleteAsync(Id, done.Epoch);
            TryDelete(LegacyCheckpointDirectory);
            logger.LogInformation("training job {Job} succeeded: adapter {Adapter}, record {Record}, influence index {Index} and span index {Spans} in {Seconds:F2} s",
                Id, result.AdapterHash, result.RecordHash, result.Attribution.InfluenceIndexHash, result.Attribution.SpanIndexHash,
                result.Attribution.Elapsed.TotalSeconds);
        }
        catch (CheckpointFencedException e)
        {
            Superseded(e);
        }
        catch (OperationCanceledException) when (_fenced)
        {
            // Stopped because superseded: the successor records the job.
        }
        catch (OperationCanceledException)
        {
            await FinishAsync(TrainingJobStatus.Cancelled, MlErrorCode.Cancelled, $"cancelled at step {View!.Step}; starting it again continues from the last checkpoint");
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            await FinishAsync(TrainingJobStatus.Failed, MlErrorCode.InvalidTrainingInput, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "training job {Job} failed", Id);
            await FinishAsync(TrainingJobStatus.Failed, MlErrorCode.TrainingFailed, e.Message);
        }
    }

    private async Task FinishAsync(TrainingJobStatus status, MlErrorCode? code, string? message)
    {
        state.State.View = View! with { Status = status, ErrorCode = code?.ToString(), Message = message, FinishedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        await PersistAndPublishAsync();
        await GrainFactory.GetGrain<IModelFactoryGrain>(0).JobFinishedAsync(Id);
    }

    /// <summary>Writes the view, then publishes it. The sequence is advanced before the write, so a later activation
    /// continues from a number no subscriber has seen yet.</summary>
    private async Task PersistAndPublishAsync()
    {
        NextSequence();
        await state.WriteStateAsync();
        _lastPersist = DateTime.UtcNow;
        await SendAsync();
    }

    private Task PublishAsync()
    {
        NextSequence();
        return SendAsync();
    }

    private void NextSequence() => state.State.View = View! with { Sequence = View!.Sequence + 1 };

    private async Task SendAsync()
    {
        try
        {
            var stream = this.GetStreamProvider(MarketStreams.ProviderName).GetStream<TrainingJobView>(MarketStreams.TrainingStream(GrainKeys.Of(Id)));
            await stream.OnNextAsync(View!);
        }
        catch (Exception e)
        {
            // Progress is advisory: the job's state is in storage and readable with GetAsync.
            logger.LogWarning(e, "training job {Job}: progress not published", Id);
        }
    }

    private void DrainReports()
    {
        while (_reports.TryDequeue(out var p))
            if (Finite(p.Loss) is { } || Finite(p.EvalLoss) is { })
                AddPoint(new TrainingLossPoint(p.Step, p.Step == 0 ? null : Finite(p.Loss), Finite(p.EvalLoss)));
    }

    private void AddPoint(TrainingLossPoint point, bool force = false) =>
        state.State.HistoryStride = LossHistory.Add(state.State.History, state.State.HistoryStride, point, force);

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private void TryDelete(string directory)
    {
        try { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
        catch (IOException e) { logger.LogWarning(e, "could not delete {Directory}", directory); }
    }
}
