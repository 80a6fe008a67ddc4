using OpenLedger.Cli.Keys;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>`train` with the user's key against the running node: the account's signed request starts a job it owns (no
/// operator token), only that account can `model register --job` it, the node serves and settles its adapter (which
/// names the owner in its metadata), only that account can `train cancel` it with its key, and the progress never shows
/// an empty "0/0 loss - eval - 0 tok/s" line before the first step.</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task Train_with_a_key_starts_a_job_the_account_owns_and_only_it_registers()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-owned", "--task", "text-label"))).Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-owned");
        string[] texts = ["wren: a tiny brown songbird", "rice: the grain of a cereal grass", "heron: a wading bird with long legs", "plum: a sweet stone fruit"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        await Ok(Run("contribute", "--dev", "4", "--datanet", datanet, dir));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        foreach (var line in shown.Lines.Where(l => l.Contains("Pending", StringComparison.Ordinal)))
            await Ok(Run("curate", "--dev", "3", "--contribution", line.Trim().Split(' ')[0], "--approve"));
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));

        var trained = await Ok(Run("train", "--dev", "3", "--datanet", datanet, "--steps", "3", "--batch-size", "2", "--seed", "9"));
        Assert.Equal(Dev(3), trained.Field("owner"));
        Assert.Equal("succeeded", trained.Field("status"));
        Assert.DoesNotContain(trained.Lines, l => l.Contains("0/0 loss", StringComparison.Ordinal));
        Assert.Contains("] 3/3 loss", trained.Output);
        var job = trained.Id("job").ToString();

        var stolen = await Run("model", "register", "--dev", "4", "--job", job, "--name", "not-yours", "--price", "1");
        Assert.Equal(1, stolen.ExitCode);
        Assert.Contains("NotTrainingJobOwner", stolen.Output);
        var model = (await Ok(Run("model", "register", "--dev", "3", "--job", job, "--name", "cli-owned-model", "--price", "1"))).Id("model");

        // The job's adapter names its owner in its metadata; the node serves it and settles its attribution as any other.
        var question = Path.Combine(dir, "question.txt");
        await File.WriteAllTextAsync(question, "lark: a songbird of open fields");
        var waited = await Ok(Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", question, "--max-fee", "2", "--wait", "--timeout", "240"));
        Assert.StartsWith("Settled in block ", waited.Field("status"));
        Assert.EndsWith($"to {Dev(3)}", Indented(waited, "owner"));

        // A key that is not funded is refused with the node's code; the operator-token path still needs no key.
        var unfunded = Path.Combine(dir, "unfunded.key");
        KeyFile.Create(unfunded, PrivateKey.Generate());
        var refused = await Run("train", "--key-file", unfunded, "--datanet", datanet, "--steps", "3", "--batch-size", "2", "--no-wait");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("AccountNotFunded", refused.Output);

        // `train cancel` with a key is the owner's signed cancellation: another account's is refused with the node's
        // code, the owner's stops the job, no operator token either way.
        var running = (await Ok(Run("train", "--dev", "3", "--datanet", datanet, "--steps", "3000", "--batch-size", "2", "--seed", "10", "--no-wait"))).Id("job").ToString();
        var notYours = await Run("train", "cancel", "--dev", "4", "--id", running);
        Assert.Equal(1, notYours.ExitCode);
        Assert.Contains("NotTrainingJobOwner", notYours.Output);
        var cancelled = await Ok(Run("train", "cancel", "--dev", "3", "--id", running));
        Assert.Equal(running, cancelled.Id("job").ToString());
    }

    [Theory]
    [InlineData(TrainingStatus.Queued, "queued: waiting to start")]
    [InlineData(TrainingStatus.Running, "starting: loading the base model and the datanet version")]
    public void The_progress_line_before_the_first_step_says_what_the_job_waits_for(TrainingStatus status, string expected)
    {
        var job = new TrainingJobInfo(Keccak256.Hash([1]), status, Keccak256.Hash([2]), 1, Keccak256.Hash([3]), "builtin:0x00", 4,
            0, 0, null, null, null, 0, null, null, null, null, null, null, null, 1);
        var line = TrainCommand.Bar(job);
        Assert.EndsWith(expected, line);
        Assert.DoesNotContain("0/0", line);
    }
}
