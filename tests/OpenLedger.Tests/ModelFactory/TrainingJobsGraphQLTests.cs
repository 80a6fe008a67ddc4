using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Tests.Web;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>Listing an owner's training jobs and reading a job's loss curve through GraphQL, on a real node with ML (the
/// web app's models run and its published datanet, so the machine trains on one node only): trainingJobs(owner:) gives
/// exactly that account's jobs, newest first, however many other jobs the node holds, and limit bounds it; a bad address
/// has the Address scalar's error; a finished job's lossHistory has a point per step, ascending, ending at its last step.</summary>
[Collection(ModelsBrowserCollection.Name)]
public sealed class TrainingJobsGraphQLTests(ModelsBrowserRun run)
{
    // Keys 0 to 2 are the browser run's, 3 and 4 the cancel tests' (4 never starts a job there).
    private PrivateKey First => run.Node.Chain.Keys[5];
    private PrivateKey Second => run.Node.Chain.Keys[4];
    private ulong ChainId => run.Node.Chain.Rules.ChainId;
    private Uri GraphQL => new(run.Node.BaseUrl, "/graphql");

    private async Task<Hash32> TrainAsync(LedgerClient client, PrivateKey owner, int steps, long seed)
    {
        var job = await client.StartTrainingJobAsync(new TrainingRequest(Hash32.Parse(run.Datanet), Steps: steps, BatchSize: 4, Seed: seed), owner, ChainId);
        for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(200))
            if (await client.GetTrainingJobAsync(job.Id) is { IsFinished: true } done)
            {
                Assert.Equal(TrainingStatus.Succeeded, done.Status);
                return job.Id;
            }
        throw new TimeoutException($"job {job.Id} did not finish");
    }

    private async Task<JsonNode> PostAsync(string query, object variables)
    {
        using var response = await run.Node.Http.PostAsJsonAsync(GraphQL, new { query, variables });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<List<string>> JobsAsync(Address? owner, int limit)
    {
        var body = await PostAsync("query($o: Address, $n: Int) { trainingJobs(owner: $o, limit: $n) { id owner } }", new { o = owner?.ToString(), n = limit });
        Assert.True(body["errors"] is null, body.ToJsonString());
        var jobs = body["data"]!["trainingJobs"]!.AsArray();
        if (owner is { } o) Assert.All(jobs, j => Assert.Equal(o.ToString(), j!["owner"]!.GetValue<string>(), ignoreCase: true));
        return jobs.Select(j => j!["id"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Jobs_are_listed_by_owner_newest_first_within_the_limit_and_a_finished_jobs_loss_history_ends_at_its_last_step()
    {
        Assert.True(run.Result["error"] is null, $"the browser run failed before these tests: {run.Result["error"]}");
        using var client = new LedgerClient(GraphQL);
        var a1 = await TrainAsync(client, First, steps: 12, seed: 41);
        var b1 = await TrainAsync(client, Second, steps: 2, seed: 42);
        var a2 = await TrainAsync(client, First, steps: 2, seed: 43);
        var a3 = await TrainAsync(client, First, steps: 2, seed: 44);

        Assert.Equal([a3.ToString(), a2.ToString(), a1.ToString()], await JobsAsync(First.Address, 100));
        Assert.Equal([a3.ToString(), a2.ToString()], await JobsAsync(First.Address, 2));
        Assert.Equal([b1.ToString()], await JobsAsync(Second.Address, 100));
        Assert.Empty(await JobsAsync(new Address(Keccak256.Hash("nobody").AsSpan()[12..]), 100));
        // Unfiltered, the node's other jobs (the browser run's) are there too.
        var all = await JobsAsync(null, 100);
        Assert.Contains(b1.ToString(), all);
        Assert.True(all.Count > 4, $"{all.Count} jobs");

        // A bad owner has the Address scalar's error, as for any address argument; the limit's bounds hold with an owner too.
        var bad = await PostAsync("query($o: Address) { trainingJobs(owner: $o) { id } }", new { o = "0x1234" });
        var sameElsewhere = await PostAsync("query($o: Address!) { account(address: $o) { balance } }", new { o = "0x1234" });
        Assert.True(bad["data"]?["trainingJobs"] is null, bad.ToJsonString());
        Assert.NotNull(bad["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>());
        Assert.Equal(sameElsewhere["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>(), bad["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>());
        var badLimit = await PostAsync("query($o: Address) { trainingJobs(owner: $o, limit: 0) { id } }", new { o = First.Address.ToString() });
        Assert.Equal("INVALID_PAGE_SIZE", badLimit["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>());

        var history = (await PostAsync("query($id: Hash!) { trainingJob(id: $id) { step lossHistory { step loss evalLoss } } }", new { id = a1.ToString() }))["data"]!["trainingJob"]!;
        var points = history["lossHistory"]!.AsArray().Select(p => (Step: p!["step"]!.GetValue<int>(), Loss: p["loss"]?.GetValue<double>())).ToList();
        Assert.Equal(12, history["step"]!.GetValue<int>());
        Assert.Equal(12, points[^1].Step);
        Assert.Equal(points.Select(p => p.Step).Order(), points.Select(p => p.Step));
        // Every step reported is kept (a short run is far under the bound), each with its training loss.
        Assert.Equal(Enumerable.Range(1, 12), points.Where(p => p.Step > 0).Select(p => p.Step));
        Assert.All(points.Where(p => p.Step > 0), p => Assert.True(p.Loss is > 0, $"step {p.Step}: loss {p.Loss}"));
    }
}
