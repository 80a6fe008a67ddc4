using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
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
    /// <summary>The owner of each unfinished owned job (keyed by the job id's 0x text: grain storage is JSON): what the
    /// per-owner cap counts.</summary>
    [Id(2)] public Dictionary<string, Address> Owners { get; set; } = [];
    /// <summary>The signed requests that started a job, by their digest (0x text), with their deadline: a replay before
    /// the deadline is refused, and after it the deadline refuses it anyway, so an entry is dropped then.</summary>
    [Id(3)] public Dictionary<string, ulong> UsedAuthorizations { get; set; } = [];
    /// <summary>Every owned job by its owner (keyed by the owner's 0x text), oldest first: what lists an owner's jobs.
    /// State stored before it existed loads with it empty and <see cref="OwnerIndexBuilt"/> false: the grain fills it
    /// once from the jobs themselves.</summary>
    [Id(4)] public Dictionary<string, List<Hash32>> JobsByOwner { get; set; } = [];
    [Id(5)] public bool OwnerIndexBuilt { get; set; }
}

/// <summary>Checks a training request against chain state (the datanet version must exist), names the job and starts
/// it; remembers every job for listing and the unfinished ones for resumption after a restart. A job started by an
/// account's signed request is owned by it (<see cref="SubmitSignedAsync"/>): the signature, the account's balance and
/// its share of the node's training (<see cref="TrainingCostRule"/>) are checked here.</summary>
public sealed class ModelFactoryGrain(
    [PersistentState("modelFactory", "ledger")] IPersistentState<ModelFactoryState> state,
    MlOptions options,
    ILogger<ModelFactoryGrain> logger) : Grain, IModelFactoryGrain
{
    private string? _baseModel;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.OwnerIndexBuilt) return;
        // State from before the owner index: read each job's owner once (a job's owner never changes: it is in its id).
        foreach (var id in state.State.Jobs)
            if (await GrainFactory.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).GetAsync() is { Owner: { } owner })
                IndexOwner(owner, id);
        state.State.OwnerIndexBuilt = true;
        await state.WriteStateAsync();
    }

    private void IndexOwner(Address owner, Hash32 job)
    {
        var key = owner.ToString();
        if (!state.State.JobsByOwner.TryGetValue(key, out var jobs)) state.State.JobsByOwner[key] = jobs = [];
        if (!jobs.Contains(job)) jobs.Add(job);
    }

    public Task<TrainingJobSubmitResult> SubmitAsync(TrainingJobRequest request, Address? owner = null) => SubmitCheckedAsync(request, owner, null);

    public async Task<TrainingJobSubmitResult> SubmitSignedAsync(SignedTrainingRequest signed)
    {
        if (signed.Signature is not { Length: Signature.Length })
            return Refused(MlErrorCode.TrainingSignatureInvalid, $"the signature must be {Signature.Length} bytes (r, s, v)");
        var chain = await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync();
        var authorization = signed.Request.Authorization(signed.Owner, signed.Deadline);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (authorization.Verify(chain.ChainId, Signature.Read(signed.Signature), now) is { } refusal) return Refused(refusal.Code, refusal.Message);
        var digest = authorization.Digest(chain.ChainId).ToString();
        if (state.State.UsedAuthorizations.ContainsKey(digest))
            return Refused(MlErrorCode.SignatureReplayed, "this signed request already started a job; sign a new one (a new deadline) to start it again");
        var balance = (await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Of(signed.Owner)).GetAsync()).Balance;
        var active = state.State.Unfinished.Count(j => state.State.Owners.TryGetValue(j.ToString(), out var o) && o == signed.Owner);
        return await SubmitCheckedAsync(signed.Request, signed.Owner, examples =>
        {
            var passes = TrainingCostRule.ExamplePasses(signed.Request.Steps, signed.Request.Epochs, signed.Request.BatchSize, examples);
            if (TrainingCostRule.Check(balance, active, passes) is { } costRefusal) return costRefusal;
            foreach (var (used, deadline) in state.State.UsedAuthorizations.ToList())
                if (deadline <= now) state.State.UsedAuthorizations.Remove(used);
            state.State.UsedAuthorizations[digest] = signed.Deadline;
            return null;
        });
    }

    public async Task<TrainingJobSubmitResult> CancelSignedAsync(SignedTrainingCancel signed)
    {
        if (signed.Signature is not { Length: Signature.Length })
            return Refused(MlErrorCode.TrainingSignatureInvalid, $"the signature must be {Signature.Length} bytes (r, s, v)");
        var chain = await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync();
        var authorization = new CancelTrainingAuthorization(signed.Owner, signed.Job, signed.Deadline);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (authorization.Verify(chain.ChainId, Signature.Read(signed.Signature), now) is { } refusal) return Refused(refusal.Code, refusal.Message);
        // One memory of presented signatures for both kinds: their digests differ by their EIP-712 type, so they never collide.
        var digest = authorization.Digest(chain.ChainId).ToString();
        if (state.State.UsedAuthorizations.ContainsKey(digest))
            return Refused(MlErrorCode.SignatureReplayed, "this signed cancellation was already presented; sign a new one (a new deadline)");
        var job = GrainFactory.GetGrain<ITrainingJobGrain>(GrainKeys.Of(signed.Job));
        if (await job.GetAsync() is not { } view) return Refused(MlErrorCode.JobNotFound, $"no training job {signed.Job}");
        if (view.Owner != signed.Owner)
            return new(null, nameof(OpenLedger.Core.Errors.ErrorCode.NotTrainingJobOwner), view.Owner is { } owner
                ? $"job {signed.Job} belongs to {owner}; only its owner (or the node's operator) may cancel it"
                : $"job {signed.Job} was started by the node's operator for nobody; only the operator may cancel it");
        foreach (var (used, deadline) in state.State.UsedAuthorizations.ToList())
            if (deadline <= now) state.State.UsedAuthorizations.Remove(used);
        state.State.UsedAuthorizations[digest] = signed.Deadline;
        await state.WriteStateAsync();
        return new(await job.CancelAsync() ?? view, null, null);
    }

    /// <param name="admit">The account rule, given the version's example count; null admits (operator jobs). It runs
    /// after the request and datanet checks, and its state changes are written with the job's.</param>
    private async Task<TrainingJobSubmitResult> SubmitCheckedAsync(TrainingJobRequest request, Address? owner, Func<int, (MlErrorCode Code, string Message)?>? admit)
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
        var id = TrainingJobIds.JobId(contents.Version, _baseModel, spec, owner);
        var active = state.State.Unfinished.Contains(id);
        if (!active && state.State.Unfinished.Count >= options.MaxActiveJobs)
            return new(null, nameof(MlErrorCode.TrainingQuotaExceeded),
                $"{state.State.Unfinished.Count} training jobs are queued or running, this node's maximum; cancel one or wait for one to end");
        // Asking again for a job that is queued or running takes no new place: it is answered without the account rule.
        if (!active && admit?.Invoke(contents.Contents.Length) is { } refusal) return Refused(refusal.Code, refusal.Message);
        var resolved = request with { VersionNumber = contents.Number, TargetModules = [.. spec.TargetModules] };
        var initial = new TrainingJobView(id, resolved, contents.Version, _baseModel, TrainingJobStatus.Queued, 0, 0, null, null, null, 0, null, 0,
            contents.Contents.Length, null, null, null, null, null, null, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, null, 0, "", 0, Owner: owner);
        if (owner is { } o) state.State.Owners[id.ToString()] = o;
        if (!state.State.Jobs.Contains(id))
        {
            state.State.Jobs.Add(id);
            state.State.Unfinished.Add(id);
            if (owner is { } by) IndexOwner(by, id);
        }
        await state.WriteStateAsync();
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

    public async Task<IReadOnlyList<TrainingJobView>> ListByOwnerAsync(Address owner, int limit)
    {
        if (!state.State.JobsByOwner.TryGetValue(owner.ToString(), out var owned)) return [];
        var ids = Enumerable.Reverse(owned).Take(Math.Clamp(limit, 1, 500)).ToList();
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

    public Task<Hash32[]> ListUnfinishedAsync() => Task.FromResult(state.State.Unfinished.ToArray());

    public async Task JobFinishedAsync(Hash32 job)
    {
        var owned = state.State.Owners.Remove(job.ToString());
        if (state.State.Unfinished.Remove(job) | owned) await state.WriteStateAsync();
    }

    private static TrainingJobSubmitResult Refused(MlErrorCode code, string message) => new(null, code.ToString(), message);
}
