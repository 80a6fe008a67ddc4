using System.Text.Json;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Model Factory's recipe options through the public API on the running node: `train --schedule
/// --label-smoothing --early-stopping --label-scoring` signs them and they reach the job (GraphQL's trainingJob) and its
/// training record; trainingJobTypedData puts them in the text the owner signs; bad values through GraphQL (the
/// operator's request or a signed one) are InvalidField and start nothing; on the command line a value that is not a
/// number is a usage error (exit 2) and one out of range the node's InvalidField (exit 1).</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task Recipe_options_reach_the_job_from_the_cli_and_graphql_and_bad_values_are_invalid_field_and_start_nothing()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-recipe", "--task", "text-label"))).Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-recipe");
        string[] texts = ["lark: a singing bird of open fields", "oat: a cereal grain eaten as porridge", "crane: a tall wading bird", "fig: a soft sweet fruit"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        await Ok(Run("contribute", "--dev", "4", "--datanet", datanet, dir));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        foreach (var line in shown.Lines.Where(l => l.Contains("Pending", StringComparison.Ordinal)))
            await Ok(Run("curate", "--dev", "3", "--contribution", line.Trim().Split(' ')[0], "--approve"));
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));

        using var client = new LedgerClient(new Uri(node.NodeUrl));
        var jobsBefore = (await client.GetTrainingJobsAsync(100)).Count;

        // Bad values through GraphQL: the operator's request and an owner's signed one, each InvalidField, nothing started.
        using var operatorClient = new LedgerClient(new Uri(node.NodeUrl), await File.ReadAllTextAsync(Path.Combine(node.DataDirectory, "operator.token")));
        foreach (var (field, value) in new (string, object)[] { ("schedule", "warm"), ("labelSmoothing", 0.5), ("earlyStopping", 0), ("earlyStopping", 11), ("labelScoring", "max") })
        {
            var input = new Dictionary<string, object> { ["datanet"] = datanet, ["steps"] = 3, ["batchSize"] = 2, [field] = value };
            var refused = await Assert.ThrowsAsync<GraphQLRequestException>(() =>
                operatorClient.QueryAsync("mutation($i: TrainingJobInput!) { startTrainingJob(input: $i) { id } }", new { i = input }));
            Assert.Equal("InvalidField", refused.Code);
            Assert.Contains(field, refused.Detail);
        }
        var signedBad = await Assert.ThrowsAsync<GraphQLRequestException>(() => client.StartTrainingJobAsync(
            new TrainingRequest(Hash32.Parse(datanet), Steps: 3, BatchSize: 2, LabelSmoothing: -0.1), node.Chain.Keys[3], node.Chain.Rules.ChainId));
        Assert.Equal("InvalidField", signedBad.Code);
        Assert.Equal(jobsBefore, (await client.GetTrainingJobsAsync(100)).Count);

        // What an owner signs names the options, and only those given.
        var typed = await client.QueryAsync("query($i: TrainingJobInput!, $o: Address!) { trainingJobTypedData(input: $i, owner: $o, deadline: 1) }",
            new { i = new { datanet, steps = 3, schedule = "linear", earlyStopping = 2 }, o = Dev(3) });
        using (var doc = JsonDocument.Parse(typed.GetProperty("trainingJobTypedData").GetString()!))
            Assert.Equal("rank=8 alpha=16 targets=default lr=0.003 epochs=1 steps=3 batch=16 seed=1 schedule=linear early-stopping=2",
                doc.RootElement.GetProperty("message").GetProperty("hyperparameters").GetString());

        // On the command line: a value that is not a number is a usage mistake, one out of range the node's rule.
        Assert.Equal(2, (await Run("train", "--dev", "3", "--datanet", datanet, "--label-smoothing", "lots")).ExitCode);
        Assert.Equal(2, (await Run("train", "--dev", "3", "--datanet", datanet, "--early-stopping", "soon")).ExitCode);
        var badSchedule = await Run("train", "--dev", "3", "--datanet", datanet, "--steps", "3", "--schedule", "warm");
        Assert.Equal(1, badSchedule.ExitCode);
        Assert.Contains("InvalidField", badSchedule.Output);
        Assert.Equal(jobsBefore, (await client.GetTrainingJobsAsync(100)).Count);

        // The flags reach the job (signed by dev 3, its owner) and its record.
        var trained = await Ok(Run("train", "--dev", "3", "--datanet", datanet, "--steps", "3", "--batch-size", "2", "--seed", "11",
            "--schedule", "linear", "--label-smoothing", "0.1", "--early-stopping", "2", "--label-scoring", "mean"));
        Assert.Equal("succeeded", trained.Field("status"));
        var job = trained.Id("job").ToString();
        var view = (await client.QueryAsync("query($id: Hash!) { trainingJob(id: $id) { schedule labelSmoothing earlyStopping labelScoring } }", new { id = job }))
            .GetProperty("trainingJob");
        Assert.Equal(("linear", 0.1, 2, "mean"), (view.GetProperty("schedule").GetString(), view.GetProperty("labelSmoothing").GetDouble(),
            view.GetProperty("earlyStopping").GetInt32(), view.GetProperty("labelScoring").GetString()));
        var record = (await Ok(Run("train", "record", "--id", job))).Output.Trim();
        using (var doc = JsonDocument.Parse(record))
        {
            var spec = doc.RootElement.GetProperty("hyperparameters");
            Assert.Equal(("linear", 0.1, 2, "mean"), (spec.GetProperty("schedule").GetString(), spec.GetProperty("labelSmoothing").GetDouble(),
                spec.GetProperty("earlyStopping").GetInt32(), spec.GetProperty("labelScoring").GetString()));
        }

        // A job without them shows the defaults and its record has no member for them (as every record before them).
        var plain = (await Ok(Run("train", "--dev", "3", "--datanet", datanet, "--steps", "3", "--batch-size", "2", "--seed", "11"))).Id("job").ToString();
        Assert.NotEqual(job, plain);
        var plainView = (await client.QueryAsync("query($id: Hash!) { trainingJob(id: $id) { schedule labelSmoothing earlyStopping labelScoring } }", new { id = plain }))
            .GetProperty("trainingJob");
        Assert.Equal("""{"schedule":"cosine","labelSmoothing":null,"earlyStopping":null,"labelScoring":"sum"}""", plainView.GetRawText().Replace(" ", ""));
        var plainRecord = (await Ok(Run("train", "record", "--id", plain))).Output;
        Assert.DoesNotContain("schedule", plainRecord);
        Assert.DoesNotContain("earlyStopping", plainRecord);
    }
}
