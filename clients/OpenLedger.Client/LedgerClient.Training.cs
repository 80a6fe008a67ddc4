using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.ModelFactory;

namespace OpenLedger.Client;

// The Model Factory: an account starts and cancels a job it owns with its signature, the operator with its token;
// reading is public.
public sealed partial class LedgerClient
{
    private const string JobFields = "id status owner datanet versionNumber datanetVersion baseModel examples step totalSteps loss evalLoss initialEvalLoss " +
                                     "tokensPerSecond etaSeconds adapter trainingRecord baseAccuracy accuracy errorCode message sequence";

    /// <summary>Starts (or finds, when asked again for the same training) a job as the node's operator (operator
    /// token), for nobody.</summary>
    public async Task<TrainingJobInfo> StartTrainingJobAsync(TrainingRequest r, CancellationToken ct = default) =>
        ReadJob((await QueryAsync($"mutation($i: TrainingJobInput!) {{ startTrainingJob(input: $i) {{ {JobFields} }} }}", new { i = Input(r) }, ct))
            .Req("startTrainingJob"));

    /// <summary>Starts (or finds) a job owned by <paramref name="owner"/>'s account, signed with its key for the node's chain
    /// (no operator token): the signature is valid until <paramref name="validFor"/> from now (default 10 minutes, at most an hour).</summary>
    public async Task<TrainingJobInfo> StartTrainingJobAsync(TrainingRequest r, PrivateKey owner, ulong chainId, TimeSpan? validFor = null, CancellationToken ct = default)
    {
        var deadline = (ulong)DateTimeOffset.UtcNow.Add(validFor ?? TimeSpan.FromMinutes(10)).ToUnixTimeSeconds();
        var signature = Authorization(r, owner.Address, deadline).Sign(owner, chainId);
        return ReadJob((await QueryAsync($"mutation($i: TrainingJobInput!, $a: TrainingAuthorizationInput) {{ startTrainingJob(input: $i, authorization: $a) {{ {JobFields} }} }}", new
        {
            i = Input(r),
            a = new { owner = owner.Address.ToString(), deadline = (long)deadline, signature = Hex.Encode(signature.ToArray()) },
        }, ct)).Req("startTrainingJob"));
    }

    /// <summary>What the owner of a job signs (the node checks the same text; <c>trainingJobTypedData</c> returns it as
    /// EIP-712 typed data for a wallet).</summary>
    public static TrainingAuthorization Authorization(TrainingRequest r, Address owner, ulong deadline) =>
        new(owner, r.Datanet, r.VersionNumber,
            TrainingAuthorization.HyperparametersText(r.Rank, r.Alpha, r.TargetModules, r.LearningRate, r.Epochs, r.Steps, r.BatchSize, r.Seed,
                r.Schedule, r.LabelSmoothing, r.EarlyStopping, r.LabelScoring), deadline);

    private static Dictionary<string, object?> Input(TrainingRequest r)
    {
        var input = new Dictionary<string, object?>
        {
            ["datanet"] = r.Datanet.ToString(), ["versionNumber"] = (int)r.VersionNumber, ["rank"] = r.Rank, ["alpha"] = r.Alpha,
            ["targetModules"] = r.TargetModules, ["learningRate"] = r.LearningRate, ["epochs"] = r.Epochs, ["steps"] = r.Steps,
            ["batchSize"] = r.BatchSize, ["seed"] = r.Seed,
        };
        // The recipe options only when set: a request without them is the same document a node before them accepts.
        if (r.Schedule is not null) input["schedule"] = r.Schedule;
        if (r.LabelSmoothing is not null) input["labelSmoothing"] = r.LabelSmoothing;
        if (r.EarlyStopping is not null) input["earlyStopping"] = r.EarlyStopping;
        if (r.LabelScoring is not null) input["labelScoring"] = r.LabelScoring;
        return input;
    }

    /// <summary>Stops a job after its current step (JobNotFound when there is none). Operator only.</summary>
    public async Task<TrainingJobInfo> CancelTrainingJobAsync(Hash32 id, CancellationToken ct = default) =>
        ReadJob((await QueryAsync($"mutation($id: Hash!) {{ cancelTrainingJob(id: $id) {{ {JobFields} }} }}", new { id = id.ToString() }, ct)).Req("cancelTrainingJob"));

    /// <summary>Stops a job <paramref name="owner"/>'s account owns, signed with its key for the node's chain (no operator
    /// token; NotTrainingJobOwner for another account's job): the signature is valid for 10 minutes.</summary>
    public async Task<TrainingJobInfo> CancelTrainingJobAsync(Hash32 id, PrivateKey owner, ulong chainId, CancellationToken ct = default)
    {
        var deadline = (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var signature = new CancelTrainingAuthorization(owner.Address, id, deadline).Sign(owner, chainId);
        return ReadJob((await QueryAsync($"mutation($id: Hash!, $a: TrainingAuthorizationInput) {{ cancelTrainingJob(id: $id, authorization: $a) {{ {JobFields} }} }}", new
        {
            id = id.ToString(),
            a = new { owner = owner.Address.ToString(), deadline = (long)deadline, signature = Hex.Encode(signature.ToArray()) },
        }, ct)).Req("cancelTrainingJob"));
    }

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
        j.OptDouble("accuracy"), j.OptStr("errorCode"), j.OptStr("message"), j.Long("sequence"), j.OptStr("owner") is { } owner ? Address.Parse(owner) : null);
}
