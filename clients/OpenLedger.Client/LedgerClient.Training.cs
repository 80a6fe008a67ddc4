using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

// The Model Factory: starting and cancelling jobs administers the node (OPERATOR_REQUIRED without the operator token);
// reading them is public.
public sealed partial class LedgerClient
{
    private const string JobFields = "id status datanet versionNumber datanetVersion baseModel examples step totalSteps loss evalLoss initialEvalLoss " +
                                     "tokensPerSecond etaSeconds adapter trainingRecord baseAccuracy accuracy errorCode message sequence";

    /// <summary>Starts (or finds, when asked again for the same training) a job. Operator only.</summary>
    public async Task<TrainingJobInfo> StartTrainingJobAsync(TrainingRequest r, CancellationToken ct = default) =>
        ReadJob((await QueryAsync($"mutation($i: TrainingJobInput!) {{ startTrainingJob(input: $i) {{ {JobFields} }} }}", new
        {
            i = new
            {
                datanet = r.Datanet.ToString(), versionNumber = (int)r.VersionNumber, rank = r.Rank, alpha = r.Alpha, targetModules = r.TargetModules,
                learningRate = r.LearningRate, epochs = r.Epochs, steps = r.Steps, batchSize = r.BatchSize, seed = r.Seed,
            },
        }, ct)).Req("startTrainingJob"));

    /// <summary>Stops a job after its current step (JobNotFound when there is none). Operator only.</summary>
    public async Task<TrainingJobInfo> CancelTrainingJobAsync(Hash32 id, CancellationToken ct = default) =>
        ReadJob((await QueryAsync($"mutation($id: Hash!) {{ cancelTrainingJob(id: $id) {{ {JobFields} }} }}", new { id = id.ToString() }, ct)).Req("cancelTrainingJob"));

    public async Task<TrainingJobInfo?> GetTrainingJobAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ trainingJob(id: $id) {{ {JobFields} }} }}", new { id = id.ToString() }, ct)).Opt("trainingJob") is { } j ? ReadJob(j) : null;

    /// <summary>Jobs, newest first (limit 1 to 100).</summary>
    public async Task<IReadOnlyList<TrainingJobInfo>> GetTrainingJobsAsync(int limit, CancellationToken ct = default) =>
        (await QueryAsync($"query($n: Int) {{ trainingJobs(limit: $n) {{ {JobFields} }} }}", new { n = limit }, ct)).Array("trainingJobs", ReadJob);

    /// <summary>A succeeded job's training record (JSON); null otherwise.</summary>
    public async Task<string?> GetTrainingRecordAsync(Hash32 job, CancellationToken ct = default) =>
        (await QueryAsync("query($id: Hash!) { trainingRecord(job: $id) }", new { id = job.ToString() }, ct)).OptStr("trainingRecord");

    private static TrainingJobInfo ReadJob(JsonElement j) => new(
        j.Hash("id"), j.Enum<TrainingStatus>("status"), j.Hash("datanet"), j.Int("versionNumber"), j.Hash("datanetVersion"), j.Str("baseModel"),
        j.Int("examples"), j.Int("step"), j.Int("totalSteps"), j.OptDouble("loss"), j.OptDouble("evalLoss"), j.OptDouble("initialEvalLoss"),
        j.Double("tokensPerSecond"), j.OptDouble("etaSeconds"), j.OptHash("adapter"), j.OptHash("trainingRecord"), j.OptDouble("baseAccuracy"),
        j.OptDouble("accuracy"), j.OptStr("errorCode"), j.OptStr("message"), j.Long("sequence"));
}
