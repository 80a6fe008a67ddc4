using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.Hosting;

namespace OpenLedger.ML.Grains.ModelFactory;

[GenerateSerializer]
public sealed class ModelFactoryState
{
    /// <summary>Every job ever submitted, oldest first.</summary>
    [Id(0)] public List<Hash32> Jobs { get; set; } = [];
    /// <summary>Jobs not finished: resumed when an ML silo starts.</summary>
    [Id(1)] public List<Hash32> Unfinished { get; set; } = [];
}

/// <summary>Checks a training request against chain state (the datanet version must exist), names the job and starts
/// it; remembers every job for listing and the unfinished ones for resumption after a restart.</summary>
public sealed class ModelFactoryGrain(
    [PersistentState("modelFactory", "ledger")] IPersistentState<ModelFactoryState> state,
    MlOptions options,
    ILogger<ModelFactoryGrain> logger) : Grain, IModelFactoryGrain
{
    private string? _baseModel;

    public async Task<TrainingJobSubmitResult> SubmitAsync(TrainingJobRequest request)
    {
        var spec = TrainingJobIds.Spec(request);
        if (spec.Problem() is { } problem) return new(null, nameof(MlErrorCode.InvalidField), problem);
        var datanet = GrainFactory.GetGrain<IDatanetGrain>(GrainKeys.Of(request.Datanet));
        var contents = await datanet.GetVersionContentsAsync(request.VersionNumber);
        if (contents is null)
            return await datanet.GetAsync() is null
                ? new(null, nameof(MlErrorCode.DatanetNotFound), $"no datanet {request.Datanet} on this chain")
                : new(null, nameof(MlErrorCode.VersionNotFound), request.VersionNumber == 0
                    ? $"datanet {request.Datanet} has no published version yet"
                    : $"datanet {request.Datanet} has no version {request.VersionNumber}");
        if (contents.Contents.Length == 0) return new(null, nameof(MlErrorCode.NoExamples), $"version {contents.Number} of datanet {request.Datanet} is empty");

        _baseModel ??= FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(options.BaseModelPath));
        var id = TrainingJobIds.JobId(contents.Version, _baseModel, spec);
        if (!state.State.Unfinished.Contains(id) && state.State.Unfinished.Count >= options.MaxActiveJobs)
            return new(null, nameof(MlErrorCode.TrainingQuotaExceeded),
                $"{state.State.Unfinished.Count} training jobs are queued or running, this node's maximum; cancel one or wait for one to end");
        var resolved = request with { VersionNumber = contents.Number, TargetModules = [.. spec.TargetModules] };
        var initial = new TrainingJobView(id, resolved, contents.Version, _baseModel, TrainingJobStatus.Queued, 0, 0, null, null, null, 0, null, 0,
            contents.Contents.Length, null, null, null, null, null, null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, null, 0, "", 0);
        if (!state.State.Jobs.Contains(id))
        {
            state.State.Jobs.Add(id);
            state.State.Unfinished.Add(id);
            await state.WriteStateAsync();
        }
        var view = await GrainFactory.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).StartAsync(initial);
        if (!view.IsFinished && !state.State.Unfinished.Contains(id))
        {
            state.State.Unfinished.Add(id);
            await state.WriteStateAsync();
        }
        return new(view, null, null);
    }

    public async Task<IReadOnlyList<TrainingJobView>> ListAsync(int limit)
    {
        var ids = Enumerable.Reverse(state.State.Jobs).Take(Math.Clamp(limit, 1, 500)).ToList();
        var views = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).GetAsync()));
        return views.OfType<TrainingJobView>().ToList();
    }

    public async Task<int> ResumeUnfinishedAsync()
    {
        var jobs = state.State.Unfinished.ToList();
        foreach (var id in jobs)
        {
            try { await GrainFactory.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).ResumeAsync(); }
            catch (Exception e) { logger.LogWarning(e, "could not resume training job {Job}", id); }
        }
        if (jobs.Count > 0) logger.LogInformation("resumed {Count} unfinished training job(s)", jobs.Count);
        return jobs.Count;
    }

    public async Task JobFinishedAsync(Hash32 job)
    {
        if (state.State.Unfinished.Remove(job)) await state.WriteStateAsync();
    }
}
