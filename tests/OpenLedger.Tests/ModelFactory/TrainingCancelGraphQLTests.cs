using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Tests.Web;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>A job's owner cancels it through GraphQL with its signature (cancelTrainingJob's authorization, no operator
/// token), on a real node with ML: the owner's signed request stops it, a replay of that request is refused, and
/// another account's, an expired, a too-far and a forged request are refused with stable codes while the job runs on.
/// The node is the web app's models run (its published datanet), so the machine trains on one node only.</summary>
[Collection(ModelsBrowserCollection.Name)]
public sealed class TrainingCancelGraphQLTests(ModelsBrowserRun run)
{
    private PrivateKey Owner => run.Node.Chain.Keys[3];
    private PrivateKey Other => run.Node.Chain.Keys[4];
    private ulong ChainId => run.Node.Chain.Rules.ChainId;
    private Uri GraphQL => new(run.Node.BaseUrl, "/graphql");

    private async Task<TrainingJobInfo> StartLongJobAsync(LedgerClient client, long seed) =>
        await client.StartTrainingJobAsync(new TrainingRequest(Hash32.Parse(run.Datanet), Steps: 3000, BatchSize: 4, Seed: seed), Owner, ChainId);

    private async Task<JsonNode> CancelAsync(Hash32 job, Address owner, long deadline, byte[] signature)
    {
        using var response = await run.Node.Http.PostAsJsonAsync(GraphQL, new
        {
            query = "mutation($id: Hash!, $a: TrainingAuthorizationInput) { cancelTrainingJob(id: $id, authorization: $a) { id status owner } }",
            variables = new { id = job.ToString(), a = new { owner = owner.ToString(), deadline, signature = Hex.Encode(signature) } },
        });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private (long Deadline, byte[] Signature) Sign(Hash32 job, PrivateKey key, Address owner, long secondsAhead = 600)
    {
        var deadline = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + secondsAhead;
        return (deadline, new CancelTrainingAuthorization(owner, job, (ulong)deadline).Sign(key, ChainId).ToArray());
    }

    private static string? Code(JsonNode body) => body["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>();

    private static async Task<TrainingJobInfo> FinishedAsync(LedgerClient client, Hash32 id)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(200))
            if (await client.GetTrainingJobAsync(id) is { IsFinished: true } job) return job;
        throw new TimeoutException($"job {id} did not finish");
    }

    [Fact]
    public async Task The_owner_cancels_its_job_with_its_signature_and_a_replay_of_it_is_refused()
    {
        NoScriptError();
        using var client = new LedgerClient(GraphQL);
        var job = await StartLongJobAsync(client, seed: 31);
        Assert.Equal(Owner.Address, job.Owner);

        // The payload a wallet signs is the one the node checks.
        var typed = JsonNode.Parse((await PostRawAsync("query($id: Hash!, $o: Address!, $d: Long!) { cancelTrainingJobTypedData(id: $id, owner: $o, deadline: $d) }",
            new { id = job.Id.ToString(), o = Owner.Address.ToString(), d = 2_000_000_000L }))["data"]!["cancelTrainingJobTypedData"]!.GetValue<string>())!;
        Assert.Equal(new CancelTrainingAuthorization(Owner.Address, job.Id, 2_000_000_000).TypedData(ChainId).ToJsonString(), typed.ToJsonString());

        var (deadline, signature) = Sign(job.Id, Owner, Owner.Address);
        var cancelled = await CancelAsync(job.Id, Owner.Address, deadline, signature);
        Assert.Null(Code(cancelled));
        Assert.Equal(Owner.Address.ToString(), cancelled["data"]!["cancelTrainingJob"]!["owner"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(TrainingStatus.Cancelled, (await FinishedAsync(client, job.Id)).Status);

        Assert.Equal("SignatureReplayed", Code(await CancelAsync(job.Id, Owner.Address, deadline, signature)));
    }

    [Fact]
    public async Task Another_account_an_expired_a_too_far_and_a_forged_cancellation_are_refused_and_the_job_runs_on()
    {
        NoScriptError();
        using var client = new LedgerClient(GraphQL);
        var job = await StartLongJobAsync(client, seed: 32);

        var other = Sign(job.Id, Other, Other.Address); // a valid signature, of an account that does not own the job
        Assert.Equal("NotTrainingJobOwner", Code(await CancelAsync(job.Id, Other.Address, other.Deadline, other.Signature)));
        var expired = Sign(job.Id, Owner, Owner.Address, secondsAhead: -5);
        Assert.Equal("SignatureExpired", Code(await CancelAsync(job.Id, Owner.Address, expired.Deadline, expired.Signature)));
        var far = Sign(job.Id, Owner, Owner.Address, secondsAhead: 2 * 3600);
        Assert.Equal("DeadlineTooFar", Code(await CancelAsync(job.Id, Owner.Address, far.Deadline, far.Signature)));
        var forged = Sign(job.Id, Other, Owner.Address); // names the owner, signed by another key
        Assert.Equal("TrainingSignatureInvalid", Code(await CancelAsync(job.Id, Owner.Address, forged.Deadline, forged.Signature)));
        var unknown = Sign(Keccak256.Hash("no such job"), Owner, Owner.Address);
        Assert.Equal("JobNotFound", Code(await CancelAsync(Keccak256.Hash("no such job"), Owner.Address, unknown.Deadline, unknown.Signature)));
        // Without a signature it is still the operator's: refused with no token.
        Assert.Equal("OPERATOR_REQUIRED", Code(await PostRawAsync("mutation($id: Hash!) { cancelTrainingJob(id: $id) { id } }", new { id = job.Id.ToString() })));

        var now = await client.GetTrainingJobAsync(job.Id);
        Assert.False(now!.IsFinished, $"the refused requests stopped the job: {now.Status}");

        // The client the CLI's `train cancel --dev N` uses: the owner's own signature.
        await client.CancelTrainingJobAsync(job.Id, Owner, ChainId);
        Assert.Equal(TrainingStatus.Cancelled, (await FinishedAsync(client, job.Id)).Status);
    }

    private async Task<JsonNode> PostRawAsync(string query, object variables)
    {
        using var response = await run.Node.Http.PostAsJsonAsync(GraphQL, new { query, variables });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private void NoScriptError() => Assert.True(run.Result["error"] is null, $"the browser run failed before these tests: {run.Result["error"]}");
}
