using OpenLedger.Core.Crypto;
using OpenLedger.Core.ModelFactory;

namespace OpenLedger.Grains.ModelFactory;

/// <summary>What to fine-tune: a datanet version (0: the latest at submission) and the LoRA hyperparameters. The job's
/// id is a hash of the resolved version, the hyperparameters and the base model, so asking twice for the same training
/// names the same job (its artifact would be the same bytes anyway). The recipe options (<see cref="Schedule"/>,
/// <see cref="LabelSmoothing"/>, <see cref="EarlyStopping"/>, <see cref="LabelScoring"/>; Model Factory's
/// <c>FineTuneSpec</c> says what each does) are null unless asked for, and a request without them names, signs and
/// trains exactly as before they existed.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TrainingJobRequest")]
public sealed record TrainingJobRequest(
    [property: Id(0)] Hash32 Datanet,
    [property: Id(1)] uint VersionNumber,
    [property: Id(2)] int Rank = 8,
    [property: Id(3)] double Alpha = 16,
    [property: Id(4)] string[]? TargetModules = null,
    [property: Id(5)] double LearningRate = 3e-3,
    [property: Id(6)] double Epochs = 1,
    [property: Id(7)] int? Steps = null,
    [property: Id(8)] int BatchSize = 16,
    [property: Id(9)] long Seed = 1,
    [property: Id(10)] string? Schedule = null,
    [property: Id(11)] double? LabelSmoothing = null,
    [property: Id(12)] int? EarlyStopping = null,
    [property: Id(13)] string? LabelScoring = null)
{
    /// <summary>What an owner signs to start this job: the request as sent (version 0 meaning the latest, targets as
    /// given) in <see cref="TrainingAuthorization"/>'s canonical text.</summary>
    public TrainingAuthorization Authorization(Address owner, ulong deadline) =>
        new(owner, Datanet, VersionNumber, TrainingAuthorization.HyperparametersText(Rank, Alpha, TargetModules, LearningRate, Epochs, Steps, BatchSize, Seed,
            Schedule, LabelSmoothing, EarlyStopping, LabelScoring), deadline);
}

/// <summary>A training request signed by the account that will own the job (<c>TrainingAuthorization</c>: the request's
/// datanet, version and hyperparameters, the owner and a deadline in unix seconds, under the chain's EIP-712 domain).</summary>
[GenerateSerializer, Immutable, Alias("openledger.SignedTrainingRequest")]
public sealed record SignedTrainingRequest(
    [property: Id(0)] TrainingJobRequest Request,
    [property: Id(1)] Address Owner,
    [property: Id(2)] ulong Deadline,
    [property: Id(3)] byte[] Signature);

/// <summary>A job owner's signed request to cancel it (<c>CancelTrainingAuthorization</c>: the owner, the job and a
/// deadline in unix seconds, under the chain's EIP-712 domain).</summary>
[GenerateSerializer, Immutable, Alias("openledger.SignedTrainingCancel")]
public sealed record SignedTrainingCancel(
    [property: Id(0)] Hash32 Job,
    [property: Id(1)] Address Owner,
    [property: Id(2)] ulong Deadline,
    [property: Id(3)] byte[] Signature);

public enum TrainingJobStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>A Model Factory job as its subscribers see it: status, progress (step, loss, evaluation, speed, time left)
/// and, once it succeeded, the adapter and training record hashes a model registers on chain. <see cref="Sequence"/>
/// grows with every published change, so a subscriber can drop a repeated or older message. A succeeded job also names
/// its attribution indexes (<see cref="InfluenceIndex"/>, <see cref="SpanIndex"/>: content-store hashes, also in the
/// training record) and how long building them took after the last training step (<see cref="IndexSeconds"/>), and the
/// contributions it flagged for curators (<see cref="Flags"/>, most suspicious first; also in the training record): a
/// subscriber to the job sees them in the message that says it succeeded. <see cref="Owner"/> is the account that
/// started it with a signed request (or the operator named): only it may register the job's training record; null for
/// a job the operator started for nobody.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TrainingJobView")]
public sealed record TrainingJobView(
    [property: Id(0)] Hash32 Id,
    [property: Id(1)] TrainingJobRequest Request,
    [property: Id(2)] Hash32 Version,
    [property: Id(3)] string BaseModel,
    [property: Id(4)] TrainingJobStatus Status,
    [property: Id(5)] int Step,
    [property: Id(6)] int TotalSteps,
    [property: Id(7)] double? Loss,
    [property: Id(8)] double? EvalLoss,
    [property: Id(9)] double? InitialEvalLoss,
    [property: Id(10)] double TokensPerSecond,
    [property: Id(11)] double? EtaSeconds,
    [property: Id(12)] int ResumedFromStep,
    [property: Id(13)] int Examples,
    [property: Id(14)] Hash32? Adapter,
    [property: Id(15)] Hash32? TrainingRecord,
    [property: Id(16)] double? BaseAccuracy,
    [property: Id(17)] double? Accuracy,
    [property: Id(18)] string? ErrorCode,
    [property: Id(19)] string? Message,
    [property: Id(20)] long CreatedMs,
    [property: Id(21)] long? StartedMs,
    [property: Id(22)] long? FinishedMs,
    [property: Id(23)] long Sequence,
    [property: Id(24)] string Silo,
    [property: Id(25)] int Attempts,
    [property: Id(26)] Hash32? InfluenceIndex = null,
    [property: Id(27)] Hash32? SpanIndex = null,
    [property: Id(28)] double? IndexSeconds = null,
    [property: Id(29)] ContributionFlagView[]? Flags = null,
    [property: Id(30)] Address? Owner = null)
{
    public bool IsFinished => Status is TrainingJobStatus.Succeeded or TrainingJobStatus.Failed or TrainingJobStatus.Cancelled;
}

/// <summary>The outcome of submitting a job: the job, or a stable error code (InvalidField, DatanetNotFound,
/// VersionNotFound, NoExamples, ...) and a message; nothing was started on an error.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TrainingJobSubmitResult")]
public sealed record TrainingJobSubmitResult([property: Id(0)] TrainingJobView? Job, [property: Id(1)] string? ErrorCode, [property: Id(2)] string? Message)
{
    public bool Ok => Job is not null;
}

/// <summary>Model Factory's front door on the ML silos (one activation, key 0): checks a request, names its job and
/// starts it; lists jobs; resumes unfinished jobs when an ML silo starts.</summary>
public interface IModelFactoryGrain : IGrainWithIntegerKey
{
    /// <summary>The operator's submission (already authorized by the caller): a job with no owner, or owned by
    /// <paramref name="owner"/> without the account cost rule.</summary>
    Task<TrainingJobSubmitResult> SubmitAsync(TrainingJobRequest request, Address? owner = null);
    /// <summary>An account's submission: checks the signature (chain, request, deadline, not presented before) and the
    /// cost rule (<c>TrainingCostRule</c>: funded, at most a few unfinished jobs, a bounded budget), then submits a job
    /// owned by the signer.</summary>
    Task<TrainingJobSubmitResult> SubmitSignedAsync(SignedTrainingRequest signed);
    /// <summary>An owner's cancellation: checks the signature (chain, job, deadline, not presented before) and that the
    /// signer owns the job (NotTrainingJobOwner otherwise), then stops it as the operator's cancel does.</summary>
    Task<TrainingJobSubmitResult> CancelSignedAsync(SignedTrainingCancel signed);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<TrainingJobView>> ListAsync(int limit);
    /// <summary>The jobs <paramref name="owner"/> owns, newest first: at most <paramref name="limit"/>, read from the
    /// factory's index by owner (not by filtering the latest jobs, so an owner's older jobs are found too).</summary>
    Task<IReadOnlyList<TrainingJobView>> ListByOwnerAsync(Address owner, int limit);
    /// <summary>Wakes every job that was queued or running when its silo stopped; each continues from its checkpoint.</summary>
    Task<int> ResumeUnfinishedAsync();
    /// <summary>The jobs queued or running (not finished): what each ML silo's watch wakes every few seconds, so a job
    /// whose silo died is resumed on a surviving one. Read-only, so it interleaves with a submit in progress.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<Hash32[]> ListUnfinishedAsync();
    /// <summary>Called by a job when it finishes, so it is not resumed again. Interleaved: a job may finish inside a
    /// submit or resume call that is waiting on it.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task JobFinishedAsync(Hash32 job);
}

/// <summary>One fine-tuning job (key: the job id as 0x hex). Runs on a silo with the ML role, off the Orleans
/// scheduler; state survives the silo (grain storage), the training state too (checkpoints).</summary>
public interface ITrainingJobGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, when cancelled or failed, restarts from the last checkpoint) the job described; returns
    /// the current view when it is already queued, running or done.</summary>
    Task<TrainingJobView> StartAsync(TrainingJobView initial);
    Task<TrainingJobView?> GetAsync();
    /// <summary>The job's loss curve so far, ascending by step: bounded (<see cref="LossHistory.MaxPoints"/>), covering the
    /// whole run, ending at its last step once it succeeded.</summary>
    Task<TrainingLossPoint[]> GetLossHistoryAsync();
    /// <summary>Stops a queued or running job after its current step, keeping its checkpoint (a later start resumes).</summary>
    Task<TrainingJobView?> CancelAsync();
    /// <summary>Continues a job that was queued or running when its silo stopped.</summary>
    Task ResumeAsync();
    /// <summary>The training record document (JSON) of a succeeded job.</summary>
    Task<byte[]?> GetRecordAsync();
}
