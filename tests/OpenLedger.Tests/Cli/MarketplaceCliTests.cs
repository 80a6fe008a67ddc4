using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Cli;

/// <summary>The marketplace verbs run for real against a running node, along a publisher's whole path: datanet,
/// contributions (with an exact and a near duplicate), curation, a version, a model, a paid inference, its settlement,
/// the contributor's rewards and the proof that the data is in the version.</summary>
public sealed partial class MarketplaceCliTests(CliNodeFixture node, ITestOutputHelper log) : IClassFixture<CliNodeFixture>
{
    private string Dev(int i) => node.Chain.Keys[i].Address.ToString();

    private async Task<CliRun> Run(params string[] argv)
    {
        var r = await node.RunAsync(argv);
        log.WriteLine($"$ openledger {string.Join(' ', argv)}\n{r}");
        return r;
    }

    private static async Task<CliRun> Ok(Task<CliRun> run)
    {
        var r = await run;
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    /// <summary>About 200 words of deterministic prose.</summary>
    private static string Prose(int seed)
    {
        string[] words = ["data", "model", "ledger", "river", "stone", "light", "garden", "signal", "paper", "window", "forest", "engine",
            "winter", "market", "silver", "thread", "harbor", "copper", "meadow", "lantern", "orbit", "canvas", "falcon", "marble"];
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, 200).Select(_ => words[random.Next(words.Length)]));
    }

    [Fact]
    public async Task Publisher_path_from_datanet_to_rewards_and_proof()
    {
        // A datanet owned by dev 0.
        var created = await Ok(Run("datanet", "create", "--dev", "0", "--name", "cli-prose", "--description", "first",
            "--tags", "nlp,english", "--license", "CC-BY-4.0", "--task", "text", "--fee-per-kb", "0.01", "--stake", "1", "--forfeit", "owner"));
        var datanet = created.Id("datanet");
        Assert.Contains("committed in block", created.Output);

        // dev 1 becomes a curator; description and tags keep their values.
        await Ok(Run("datanet", "update", "--dev", "0", "--id", datanet.ToString(), "--curators", Dev(1)));
        var shown = await Ok(Run("datanet", "show", "--id", datanet.ToString()));
        Assert.Equal("first", shown.Field("description"));
        Assert.Equal("nlp, english", shown.Field("tags"));
        Assert.Equal(Dev(1), shown.Field("curators"));
        Assert.Equal("0.01 OPEN", shown.Field("fee per KiB"));

        // dev 2 contributes a directory: a.txt, b.txt (a near copy of a), c.txt (a with other white space: an exact
        // duplicate in normalized form). One submission; c fails on chain, a and b commit.
        var dir = TestChain.TempDirectory("openledger-cli-contrib");
        var a = Prose(1);
        var words = a.Split(' ');
        words[100] = "edited";
        var b = string.Join(' ', words);
        var c = "\n  " + a.Replace(" ", "  \n\t") + "\r\n";
        await File.WriteAllTextAsync(Path.Combine(dir, "c.txt"), c);
        await File.WriteAllTextAsync(Path.Combine(dir, "a.txt"), a);
        await File.WriteAllTextAsync(Path.Combine(dir, "b.txt"), b);
        var contributed = await Run("contribute", "--dev", "2", "--datanet", datanet.ToString(), dir);
        Assert.Equal(1, contributed.ExitCode);
        var lines = contributed.Lines.ToList();
        Assert.True(lines.FindIndex(l => l.StartsWith("a.txt ", StringComparison.Ordinal)) < lines.FindIndex(l => l.StartsWith("b.txt ", StringComparison.Ordinal)));
        Assert.Contains("fee -  committed in block", contributed.FileLine("c.txt")); // gas only: no contribution fee
        Assert.EndsWith("failed DuplicateContribution", contributed.FileLine("c.txt"));
        foreach (var (file, text) in new[] { ("a.txt", a), ("b.txt", b) })
        {
            var line = contributed.FileLine(file);
            Assert.Contains(": success", line);
            Assert.Contains($"{System.Text.Encoding.UTF8.GetByteCount(text)} bytes", line);
            Assert.Contains("fee 0.02 OPEN", line); // 1.1 to 2 KiB at 0.01 OPEN per started KiB
        }
        Assert.Contains("2 of 3 files contributed", contributed.Output);
        Assert.Contains(contributed.Lines, l => l.StartsWith("warning: b.txt is a near-duplicate of a.txt ", StringComparison.Ordinal));
        var idA = Hash32.Parse(contributed.FileLine("a.txt").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        var idB = Hash32.Parse(contributed.FileLine("b.txt").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

        // A fourth, unrelated contribution, to be rejected.
        var dFile = Path.Combine(dir, "d.txt");
        await File.WriteAllTextAsync(dFile, Prose(2));
        var single = await Ok(Run("contribute", "--dev", "2", "--datanet", datanet.ToString(), dFile));
        Assert.DoesNotContain("warning:", single.Output);
        var idD = Hash32.Parse(single.FileLine("d.txt").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

        // Curation: dev 3 may not; the owner approves a and rejects d, the curator approves b.
        var notCurator = await Run("curate", "--dev", "3", "--contribution", idD.ToString(), "--reject");
        Assert.Equal(1, notCurator.ExitCode);
        Assert.Contains("failed NotCurator", notCurator.Output);
        var refused = await Run("curate", "--dev", "0", "--nonce", "0", "--contribution", idA.ToString(), "--approve");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rejected: NonceTooLow", refused.Output);
        Assert.Contains("Approved (approval index 0)", (await Ok(Run("curate", "--dev", "0", "--contribution", idA.ToString(), "--approve", "--reason", "clean"))).Output);
        await Ok(Run("curate", "--dev", "1", "--contribution", idB.ToString(), "--approve"));
        var rejected = await Ok(Run("curate", "--dev", "0", "--contribution", idD.ToString(), "--reject", "--reason", "off topic"));
        Assert.Equal("Rejected", rejected.Field("status"));

        // Version 1 freezes a and b, in approval order.
        var published = await Ok(Run("publish-version", "--dev", "1", "--datanet", datanet.ToString()));
        var version = DatanetVersion.IdOf(datanet, 1);
        Assert.Equal("1", published.Field("version"));
        Assert.Equal(version, published.Id("id"));
        Assert.Equal("2", published.Field("count"));
        var contentA = ContentHashes.Compute(System.Text.Encoding.UTF8.GetBytes(a)).ContentHash;
        var contentB = ContentHashes.Compute(System.Text.Encoding.UTF8.GetBytes(b)).ContentHash;
        Assert.Equal(MerkleTree.Root([contentA, contentB]), published.Id("root"));
        var nothing = await Run("publish-version", "--dev", "0", "--datanet", datanet.ToString());
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("failed NothingToPublish", nothing.Output);

        shown = await Ok(Run("datanet", "show", "--id", datanet.ToString(), "--contributions"));
        Assert.Equal("3 (2 approved, 1 rejected, 0 expired, 0 pending)", shown.Field("contributions"));
        Assert.Contains(shown.Lines, l => l.Contains(version.ToString(), StringComparison.Ordinal) && l.Contains("2 contributions", StringComparison.Ordinal));
        Assert.Contains(shown.Lines, l => l.Contains(idD.ToString(), StringComparison.Ordinal) && l.Contains("reason: off topic", StringComparison.Ordinal));
        var listed = await Ok(Run("datanet", "list", "--owner", Dev(0)));
        Assert.Contains(datanet.ToString(), listed.Output);
        Assert.Contains("1 datanet owned by", listed.Output);

        // dev 3 registers a model trained on version 1, at 2 OPEN per inference (70/20/10).
        var adapter = Keccak256.Hash("adapter");
        var record = Keccak256.Hash("training record");
        var registered = await Ok(Run("model", "register", "--dev", "3", "--name", "prose-lora", "--base-model", "gpt2-tiny",
            "--adapter", adapter.ToString(), "--training-record", record.ToString(), "--versions", version.ToString(), "--price", "2",
            "--allow-unserved-base")); // the serving operator posts its results by hand below
        Assert.Contains("warning: BaseModelNotServed: base model 'gpt2-tiny'", registered.Output);
        var model = registered.Id("model");

        // dev 4 asks for an inference: above its maximum fee first, then within it.
        var input = Path.Combine(dir, "question.txt");
        await File.WriteAllTextAsync(input, "what does the river say to the stone");
        var tooDear = await Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", input, "--max-fee", "1.5", "--allow-unserved-base");
        Assert.Equal(1, tooDear.ExitCode);
        Assert.Contains("failed PriceAboveMaximum", tooDear.Output);
        var requested = await Ok(Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", input, "--max-fee", "3", "--allow-unserved-base"));
        var inference = requested.Id("inference");
        Assert.Equal(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes("what does the river say to the stone")), requested.Id("input"));
        Assert.Equal("2 OPEN", requested.Field("escrow"));

        // The serving operator posts the output; only the attribution operator may settle.
        var posted = await Ok(Run("post-result", "--operator", "serving", "--inference", inference.ToString(), "--output-hash", Keccak256.Hash("output").ToString()));
        Assert.Equal("Served", posted.Field("status"));
        var wrongSettler = await Run("settle", "--dev", "4", "--inference", inference.ToString(), "--record", Keccak256.Hash("attribution").ToString(),
            "--attributions", $"{idA}:3,{idB}:1");
        Assert.Equal(1, wrongSettler.ExitCode);
        Assert.Contains("failed NotAttributionOperator", wrongSettler.Output);
        var settled = await Ok(Run("settle", "--operator", "attribution", "--inference", inference.ToString(),
            "--record", Keccak256.Hash("attribution").ToString(), "--attributions", $"{idA}:3,{idB}:1"));
        Assert.Contains(settled.Lines, l => l.Contains("protocol", StringComparison.Ordinal) && l.Contains("0.2 OPEN", StringComparison.Ordinal));
        Assert.Contains(settled.Lines, l => l.Contains("owner", StringComparison.Ordinal) && l.Contains(Dev(3), StringComparison.Ordinal) && l.Contains("1.4 OPEN", StringComparison.Ordinal));
        Assert.Contains(settled.Lines, l => l.Contains("contributor", StringComparison.Ordinal) && l.Contains("0.3 OPEN", StringComparison.Ordinal) && l.Contains(idA.ToString(), StringComparison.Ordinal));
        Assert.Contains(settled.Lines, l => l.Contains("contributor", StringComparison.Ordinal) && l.Contains("0.1 OPEN", StringComparison.Ordinal) && l.Contains(idB.ToString(), StringComparison.Ordinal));

        // The contributor's rewards: the contributors' 20% of 2 OPEN, all from this datanet and model.
        var rewards = await Ok(Run("rewards", "--address", Dev(2)));
        Assert.Equal("0.4 OPEN in 2 credits", rewards.Field("total"));
        Assert.Contains(rewards.Lines, l => l.TrimStart().StartsWith("contributor ", StringComparison.Ordinal) && l.Contains("0.4 OPEN (2)", StringComparison.Ordinal));
        Assert.Contains(rewards.Lines, l => l.Contains(datanet.ToString(), StringComparison.Ordinal) && l.Contains("0.4 OPEN", StringComparison.Ordinal));
        Assert.Contains(rewards.Lines, l => l.Contains(model.ToString(), StringComparison.Ordinal) && l.Contains("0.4 OPEN", StringComparison.Ordinal));

        // The proof that b's content is in version 1, checked by the CLI against the committed root.
        var proof = await Ok(Run("proof", "--contribution", idB.ToString(), "--version", "1"));
        Assert.Contains("proof verified", proof.Output);
        Assert.Equal("1 of 2", proof.Field("leaf"));
        Assert.Equal(MerkleTree.Root([contentA, contentB]), proof.Id("root"));
        var notIn = await Run("proof", "--contribution", idD.ToString());
        Assert.Equal(1, notIn.ExitCode);
        Assert.Contains("is not in the latest version", notIn.Output);

        // The owner retires the model; its price stays.
        var updated = await Ok(Run("model", "update", "--dev", "3", "--id", model.ToString(), "--status", "retired"));
        Assert.Equal("Retired", updated.Field("status"));
        var modelShown = await Ok(Run("model", "show", "--id", model.ToString()));
        Assert.Equal("2 OPEN", modelShown.Field("price"));
        Assert.Equal("1", modelShown.Field("inferences"));
        Assert.Contains(adapter.ToString(), modelShown.Output);

        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_file_the_node_will_not_store_is_reported_and_the_others_still_contribute()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "5", "--name", "with-an-empty-file"))).Id("datanet");
        var dir = TestChain.TempDirectory("openledger-cli-empty");
        await File.WriteAllTextAsync(Path.Combine(dir, "empty.txt"), "");
        await File.WriteAllTextAsync(Path.Combine(dir, "fine.txt"), Prose(3));
        var r = await Run("contribute", "--dev", "5", "--datanet", datanet.ToString(), dir);
        Assert.Equal(1, r.ExitCode);
        // The upload names the datanet, so the node refuses blank text for a text datanet before it stores anything.
        Assert.Contains("upload failed: InvalidTaskExample", r.FileLine("empty.txt"));
        Assert.Contains(": success", r.FileLine("fine.txt"));
        Assert.Contains("1 of 2 files contributed", r.Output);
        Assert.Equal("1 (0 approved, 0 rejected, 0 expired, 1 pending)", (await Ok(Run("datanet", "show", "--id", datanet.ToString()))).Field("contributions"));
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Unknown_ids_are_reported_with_exit_code_1()
    {
        var missing = Keccak256.Hash("no such thing").ToString();
        var show = await Run("datanet", "show", "--id", missing);
        Assert.Equal(1, show.ExitCode);
        Assert.Contains($"error: no datanet {missing}", show.Output);
        var contribute = await Run("contribute", "--dev", "5", "--datanet", missing, node.GenesisPath);
        Assert.Equal(1, contribute.ExitCode);
        Assert.Contains("no datanet", contribute.Output);
    }
}
