using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.BaseModel;
using OpenLedger.Silo.Cli.Attribution;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>`openledger attribution verify` against the running node: a text-label model trained by Model Factory on
/// the node, an inference the node's OpenLoRA serves, attributed from the content the node holds (read through GraphQL,
/// as any worker or auditor reads it) and settled by the node's attribution worker; the verb recomputes it exactly.</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task Attribution_verify_recomputes_a_settled_inference_exactly_and_refuses_one_that_is_not_settled()
    {
        var created = await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-verify", "--task", "text-label"));
        var datanet = created.Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-verify");
        string[] texts = ["robin: a small songbird with a red breast", "bread: food made from flour and water, baked",
            "sparrow: a small brown bird of towns", "cheese: food made from pressed milk curds",
            "eagle: a large bird of prey", "apple: the round fruit of a tree of the rose family",
            "heron: a wading bird with a long neck", "rice: grains of a cereal grass eaten as food"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        await Ok(Run("contribute", "--dev", "4", "--datanet", datanet, dir));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        foreach (var line in shown.Lines.Where(l => l.Contains("Pending", StringComparison.Ordinal)))
            await Ok(Run("curate", "--dev", "3", "--contribution", line.Trim().Split(' ')[0], "--approve"));
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));
        var trained = await Ok(Run("train", "--datanet", datanet, "--steps", "4", "--batch-size", "2", "--seed", "5"));
        var registered = await Ok(Run("model", "register", "--dev", "3", "--job", trained.Id("job").ToString(), "--name", "cli-verify-model", "--price", "1"));
        var model = registered.Id("model");

        var input = Path.Combine(dir, "question.txt");
        await File.WriteAllTextAsync(input, "owl: a bird of prey that hunts at night");
        var inference = (await Ok(Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", input, "--max-fee", "2"))).Id("inference");

        using var client = new LedgerClient(new Uri(node.NodeUrl));
        // The node (a dev chain) attributes and settles it by itself: its ML silo holds the dev attribution operator's key.
        var settled = await WaitAsync(client, inference, s => s == InferenceStatus.Settled);
        Assert.Equal(node.Chain.AttributionOperator.Address, settled.Settler);

        // An inference nobody settles (its model is on a base model this node does not serve): nothing to verify.
        var other = await Ok(Run("model", "register", "--dev", "3", "--name", "cli-verify-other", "--base-model", "not-this-node",
            "--adapter", Keccak256.Hash("other adapter").ToString(), "--training-record", Keccak256.Hash("other record").ToString(),
            "--versions", DatanetVersion.IdOf(Hash32.Parse(datanet), 1).ToString(), "--price", "1", "--allow-unserved-base"));
        var unserved = (await Ok(Run("infer", "--dev", "4", "--model", other.Id("model").ToString(), "--input-file", input, "--max-fee", "2", "--allow-unserved-base"))).Id("inference");
        var notYet = await Run("attribution", "verify", "--inference", unserved.ToString());
        Assert.Equal(1, notYet.ExitCode);
        Assert.Contains("not settled", notYet.Output);

        var verified = await Run("attribution", "verify", "--inference", inference.ToString());
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.StartsWith("exact: record ", verified.Output);

        // The same audit with the artifacts given as local files (what an index above the GraphQL response limit needs).
        var (m, _) = (await client.GetModelAsync(model))!.Value;
        var source = new NodeAuditSource(client, new Dictionary<Hash32, byte[]>());
        var trainingRecord = (await source.ContentAsync(m.Versions[0].TrainingRecord, default))!;
        var refs = InferenceAttributor.ArtifactsOf(trainingRecord, out _)!;
        var indexFile = Path.Combine(dir, "influence.olai");
        await File.WriteAllBytesAsync(indexFile, (await source.ContentAsync(refs.InfluenceIndexHash, default))!);
        var local = await Run("attribution", "verify", "--inference", inference.ToString(), "--content", indexFile);
        Assert.True(local.ExitCode == 0, local.ToString());
        // The base named by the on-chain name its training record gives (builtin:0x<weights keccak>): the same verdict.
        var byName = await Run("attribution", "verify", "--inference", inference.ToString(), "--base-model", "builtin:" + refs.BaseModelWeightsKeccak);
        Assert.True(byName.ExitCode == 0, byName.ToString());

        var unknown = await Run("attribution", "verify", "--inference", Keccak256.Hash("no such inference").ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no inference", unknown.Output);
        Assert.Equal(2, (await Run("attribution", "verify")).ExitCode);
    }

    private static async Task<InferenceRequest> WaitAsync(LedgerClient client, Hash32 inference, Func<InferenceStatus, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var i = await client.GetInferenceAsync(inference);
            if (i is not null && done(i.Status)) return i;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"inference {inference} is {i?.Status} after 120 s");
            await Task.Delay(250);
        }
    }
}
