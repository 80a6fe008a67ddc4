using System.Text.Json;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Harmful data from the command line and GraphQL against the running node: a training job flags a
/// contribution; `flags` lists it (and GraphQL's trainingJob, contribution and datanet fields agree); `exclude` refuses a
/// stranger, an unknown contribution and a pending one with stable codes and nothing sent or changed; the owner excludes
/// it; the next version leaves it out while the first still proves it.</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task A_flagged_contribution_is_listed_and_a_curator_excludes_it_from_the_next_version()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-flags", "--task", "text-label"))).Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-flags");
        string[] texts = ["heron: a wading bird with long legs", "rice: a grain eaten as food", "owl: a bird of prey active at night",
            "soup: a liquid food made by boiling", "swan: a large white water bird", "pear: a sweet fruit of a tree"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        var kale = TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample("kale: a leafy green", "food"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "z-pending.json"), kale);
        await Ok(Run("contribute", "--dev", "4", "--datanet", datanet, dir));
        var ids = (await Ok(Run("datanet", "show", "--id", datanet, "--contributions"))).Lines
            .Where(l => l.Contains("Pending", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).ToList();
        using var client = new LedgerClient(new Uri(node.NodeUrl));
        var pending = "";
        foreach (var id in ids)
        {
            // The last file stays pending; the six others are approved and published.
            if ((await client.GetContributionAsync(Hash32.Parse(id)))!.Content == Keccak256.Hash(kale)) pending = id;
            else await Ok(Run("curate", "--dev", "3", "--contribution", id, "--approve"));
        }
        Assert.NotEmpty(pending);
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));
        var job = (await Ok(Run("train", "--datanet", datanet, "--steps", "4", "--batch-size", "2", "--seed", "9"))).Id("job");

        // 6 training examples: the top 10% by self-influence is one example, so one contribution is flagged.
        var listed = await Ok(Run("flags", "--datanet", datanet));
        Assert.Equal("1", listed.Field("flagged"));
        var line = Assert.Single(listed.Lines, l => l.StartsWith("  0x", StringComparison.Ordinal));
        var flagged = line.Trim().Split(' ')[0];
        Assert.Contains(job.ToString(), line);
        Assert.Contains("likely mislabeled", line);

        // GraphQL says the same on the job (what its subscription carried when it succeeded), the contribution and the datanet.
        var q = await client.QueryAsync("query($j: Hash!, $c: Hash!, $d: Hash!) { trainingJob(id: $j) { flaggedContributions { contributionId score reason } } " +
            "contribution(id: $c) { flags { jobId versionNumber score examples flaggedExamples trainingRecord } } datanet(id: $d) { flaggedContributions(first: 5) { contributionId } } }",
            new { j = job.ToString(), c = flagged, d = datanet });
        var onJob = Assert.Single(q.GetProperty("trainingJob").GetProperty("flaggedContributions").EnumerateArray());
        Assert.Equal(flagged, onJob.GetProperty("contributionId").GetString());
        var onContribution = Assert.Single(q.GetProperty("contribution").GetProperty("flags").EnumerateArray());
        Assert.Equal((job.ToString(), 1, 1, 1), (onContribution.GetProperty("jobId").GetString(), onContribution.GetProperty("versionNumber").GetInt32(),
            onContribution.GetProperty("examples").GetInt32(), onContribution.GetProperty("flaggedExamples").GetInt32()));
        Assert.Equal(onJob.GetProperty("score").GetDouble(), onContribution.GetProperty("score").GetDouble());
        var record = (await Ok(Run("train", "record", "--id", job.ToString()))).Output.Trim();
        using (var doc = JsonDocument.Parse(record))
        {
            var flags = doc.RootElement.GetProperty("attribution").GetProperty("flags");
            Assert.Equal(1, flags.GetProperty("flaggedExamples").GetInt32());
            Assert.Equal(flagged, Assert.Single(flags.GetProperty("contributions").EnumerateArray()).GetProperty("contribution").GetString());
        }
        Assert.Equal(flagged, Assert.Single(q.GetProperty("datanet").GetProperty("flaggedContributions").EnumerateArray()).GetProperty("contributionId").GetString());
        var badFirst = await Run("flags", "--datanet", datanet, "--first", "0");
        Assert.Equal(2, badFirst.ExitCode);

        // Refusals, each with its stable code and nothing changed: a stranger, an unknown id, a pending contribution.
        var stranger = await Run("exclude", "--dev", "5", "--contribution", flagged, "--reason", "not mine");
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("NotCurator", stranger.Output);
        var unknown = await Run("exclude", "--dev", "3", "--contribution", Keccak256.Hash([1, 2, 3]).ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no contribution", unknown.Output);
        var notApproved = await Run("exclude", "--dev", "3", "--contribution", pending);
        Assert.Equal(1, notApproved.ExitCode);
        Assert.Contains("NotApproved", notApproved.Output);
        Assert.Equal(ContributionStatus.Pending, (await client.GetContributionAsync(Hash32.Parse(pending)))!.Status);
        Assert.Equal(ContributionStatus.Approved, (await client.GetContributionAsync(Hash32.Parse(flagged)))!.Status);

        // The owner excludes it: it leaves the flag list, the next version, and stays provable in version 1.
        var excluded = await Ok(Run("exclude", "--dev", "3", "--contribution", flagged, "--reason", "flagged: likely mislabeled"));
        Assert.StartsWith("Excluded", excluded.Field("status"));
        Assert.Equal("0", (await Ok(Run("flags", "--datanet", datanet))).Field("flagged"));
        var again = await Run("exclude", "--dev", "3", "--contribution", flagged);
        Assert.Contains("NotApproved", again.Output);
        var v2 = await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));
        Assert.Equal("2", v2.Field("version"));
        await Ok(Run("proof", "--contribution", flagged, "--version", "1"));
        var notInV2 = await Run("proof", "--contribution", flagged, "--version", "2");
        Assert.Equal(1, notInV2.ExitCode);
        foreach (var id in ids.Where(id => id != flagged && id != pending))
            await Ok(Run("proof", "--contribution", id, "--version", "2"));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        Assert.Contains(shown.Lines, l => l.Contains(flagged, StringComparison.Ordinal) && l.Contains("Excluded", StringComparison.Ordinal));
    }
}
