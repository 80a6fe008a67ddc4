using OpenLedger.Core.Crypto;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.ML.Grains.Hosting;

/// <summary>How a silo with the ML role runs Model Factory and OpenLoRA.</summary>
/// <param name="JobsDirectory">Where nodes before the shared checkpoints kept a job's checkpoint (one folder per job):
/// read when the node's database holds none for the job. Checkpoints now go to the database (<c>ml_checkpoints</c>).</param>
/// <param name="ServingKey">The serving operator's key that signs PostResult; null: this silo serves adapters on
/// request (administration) but does not answer on-chain inferences.</param>
/// <param name="AdapterBudgetBytes">The adapter cache's byte budget.</param>
/// <param name="MaxNewTokens">Tokens generated per inference at most (fewer when the model ends its answer).</param>
/// <param name="PollInterval">How often the inference worker looks for requested inferences.</param>
/// <param name="TrainingThreads">libtorch CPU threads per training job (its artifact depends on the count: the record
/// names it); null: the machine's cores.</param>
/// <param name="MaxActiveJobs">Training jobs queued or running at once on the cluster; more are refused with
/// TrainingQuotaExceeded (each takes the CPU or GPU of an ML silo for minutes to hours).</param>
/// <param name="RetryFailedAfter">How long the inference worker waits before serving again an inference it failed to
/// serve (an input or adapter not in the store yet); a refused (quarantined) adapter's inferences are not retried.
/// The attribution worker waits as long before attributing again an inference it failed to attribute.</param>
/// <param name="AttributionKey">The attribution operator's key that signs SettleAttribution; null: this silo attributes and
/// settles no inference.</param>
/// <param name="ResumeCheckEvery">How often each ML silo wakes the unfinished training jobs (<see cref="UnfinishedJobsWatch"/>),
/// so a job whose silo died continues on a live one.</param>
/// <param name="ResettleAfter">How long the attribution worker waits for a published result to be settled on chain before
/// it attributes the inference again (a stream message or a transaction may have been lost).</param>
public sealed record MlOptions(
    string JobsDirectory,
    PrivateKey? ServingKey = null,
    string? BaseModelDirectory = null,
    long AdapterBudgetBytes = 256L * 1024 * 1024,
    int MaxBatchSize = 16,
    int MaxNewTokens = 24,
    TimeSpan? PollInterval = null,
    int? TrainingThreads = null,
    int MaxActiveJobs = 2,
    TimeSpan? RetryFailedAfter = null,
    PrivateKey? AttributionKey = null,
    TimeSpan? ResettleAfter = null,
    TimeSpan? ResumeCheckEvery = null)
{
    public int Threads => TrainingThreads ?? Environment.ProcessorCount;
    public string BaseModelPath => BaseModelDirectory ?? BaseModelRecipe.BuiltinDirectory;
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);
    public TimeSpan RetryFailed => RetryFailedAfter ?? TimeSpan.FromSeconds(60);
    public TimeSpan Resettle => ResettleAfter ?? TimeSpan.FromSeconds(30);
    public TimeSpan ResumeCheck => ResumeCheckEvery ?? TimeSpan.FromSeconds(2);
}
