using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.FineTuning;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Model Factory from the command line against the running node: a text-label datanet, `train` with its
/// progress until the job ends, the job's status, record and listing, `model register --job`, and the refusals.</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task Train_follows_a_job_to_its_end_and_model_register_takes_its_hashes()
    {
        var created = await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-labels", "--task", "text-label"));
        var datanet = created.Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-labels");
        string[] texts = ["robin: a small songbird with a red breast", "bread: food made from flour and water, baked",
            "sparrow: a small brown bird of towns", "cheese: food made from pressed milk curds",
            "eagle: a large bird of prey", "apple: the round fruit of a tree of the rose family"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        await File.WriteAllTextAsync(Path.Combine(dir, "x-bad.json"), "{\"text\": \"no label\"}");
        var contributed = await Run("contribute", "--dev", "4", "--datanet", datanet, dir);
        Assert.Equal(1, contributed.ExitCode); // the malformed one is refused at admission
        Assert.Contains("InvalidTaskExample", contributed.FileLine("x-bad.json"));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        foreach (var line in shown.Lines.Where(l => l.Contains("Pending", StringComparison.Ordinal)))
            await Ok(Run("curate", "--dev", "3", "--contribution", line.Trim().Split(' ')[0], "--approve"));
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));

        var trained = await Ok(Run("train", "--datanet", datanet, "--steps", "4", "--batch-size", "2", "--seed", "5"));
        var job = trained.Id("job").ToString();
        Assert.Contains("] 4/4 loss", trained.Output); // the progress bar's last line
        Assert.Equal("succeeded", trained.Field("status"));
        var adapter = trained.Field("adapter");
        var record = trained.Field("trainingRecord");

        var status = await Ok(Run("train", "status", "--id", job));
        Assert.Equal(adapter, status.Field("adapter"));
        var recordJson = (await Ok(Run("train", "record", "--id", job))).Output.Trim();
        Assert.Equal(record, Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(recordJson)).ToString());
        using (var doc = JsonDocument.Parse(recordJson))
        {
            Assert.Equal(TrainingRecord.CurrentFormat, doc.RootElement.GetProperty("format").GetString());
            Assert.Equal(6, doc.RootElement.GetProperty("dataset").GetProperty("examples").GetInt32());
        }
        Assert.Contains(job, (await Ok(Run("train", "list"))).Output);
        Assert.Equal("succeeded", (await Ok(Run("train", "cancel", "--id", job))).Field("status")); // nothing to cancel

        var registered = await Ok(Run("model", "register", "--dev", "3", "--job", job, "--name", "cli-labels-model", "--price", "1"));
        var model = await Ok(Run("model", "show", "--id", registered.Id("model").ToString()));
        Assert.StartsWith("builtin:0x", model.Field("base model"));
        Assert.Contains(adapter!, model.Output);

        // Refusals: stable codes (exit 1) for what the node refuses, exit 2 for usage mistakes.
        var unknown = Keccak256.Hash([7]).ToString();
        var noDatanet = await Run("train", "--datanet", unknown);
        Assert.Equal(1, noDatanet.ExitCode);
        Assert.Contains("DatanetNotFound", noDatanet.Output);
        var badRank = await Run("train", "--datanet", datanet, "--rank", "0");
        Assert.Equal(1, badRank.ExitCode);
        Assert.Contains("InvalidField", badRank.Output);
        Assert.Equal(2, (await Run("train", "--datanet", datanet, "--lr", "fast")).ExitCode);
        Assert.Equal(2, (await Run("train", "--datanet", "nope")).ExitCode);
        Assert.Equal(1, (await Run("train", "status", "--id", unknown)).ExitCode);
        Assert.Equal(1, (await Run("model", "register", "--dev", "3", "--job", unknown, "--name", "x", "--price", "1")).ExitCode);
    }
}
