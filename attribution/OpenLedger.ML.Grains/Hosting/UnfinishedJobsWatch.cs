using Microsoft.Extensions.Logging;
using OpenLedger.Grains;
using OpenLedger.Grains.ModelFactory;

namespace OpenLedger.ML.Grains.Hosting;

/// <summary>
/// Resumes, on this ML silo, a training job whose silo died. Every <see cref="MlOptions.ResumeCheck"/> it asks Model
/// Factory for the unfinished jobs and calls each job's <see cref="ITrainingJobGrain.ResumeAsync"/>: a job running on a
/// live silo answers at once (its run is there: nothing happens); a job whose silo was declared dead has no activation
/// any more, so the call activates it on a live ML silo, which continues from the job's last checkpoint in the shared
/// store. Every ML silo runs the watch, so the job comes back as long as one ML silo lives, within about the membership's
/// death-detection time plus one period.
/// <para>Why no second run can start: Orleans places one activation per job grain, and the call only starts a run where
/// that activation has none. The exception, a silo that paused past its membership timeout and wakes up with its old
/// activation still running, is fenced by the job's epoch in the checkpoint table and by grain storage's ETag
/// (<see cref="ModelFactory.TrainingJobGrain"/>).</para>
/// </summary>
public sealed class UnfinishedJobsWatch(IGrainFactory grains, MlOptions options, ILogger<UnfinishedJobsWatch> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long one job's resume call may take before the round moves on (a call to a silo not yet declared
    /// dead can hang until then; the next round tries again).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private CancellationTokenSource? _stop;
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(UnfinishedJobsWatch), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken _)
    {
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stop.Token));
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        if (_stop is null || _loop is null) return;
        await _stop.CancelAsync();
        try { await _loop.WaitAsync(cancellationToken); } catch (OperationCanceledException) { }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.ResumeCheck, stop);
                await CheckAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The factory's own silo may be the one that died: the next round reaches its new activation.
                logger.LogDebug(e, "unfinished-jobs check failed; trying again in {Period}", options.ResumeCheck);
            }
        }
    }

    /// <summary>One round: wakes every unfinished job.</summary>
    public async Task CheckAsync(CancellationToken stop = default)
    {
        var jobs = await grains.GetGrain<IModelFactoryGrain>(0).ListUnfinishedAsync().WaitAsync(CallTimeout, stop);
        await Task.WhenAll(jobs.Select(async job =>
        {
            try { await grains.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job)).ResumeAsync().WaitAsync(CallTimeout, stop); }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logger.LogDebug(e, "training job {Job}: not reached this round", job);
            }
        }));
    }
}
