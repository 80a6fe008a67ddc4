using System.Text.Json;
using OpenLedger.Client;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Cli;

/// <summary>Curators and contributors in batches, against a running node: a JSONL file contributed in one submission,
/// a hundred contributions curated by one `curate` run in one submission, `--all-pending` with its filters, the refusals
/// a batch meets before anything is sent, and the reviewer's view of pending contributions beside their near-duplicates.</summary>
public sealed class CurationBatchCliTests(CliNodeFixture node, ITestOutputHelper log) : IClassFixture<CliNodeFixture>
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

    private static string JsonLine(params (string Name, string Value)[] members) =>
        JsonSerializer.Serialize(members.ToDictionary(m => m.Name, m => m.Value));

    /// <summary>The contribution ids contribute printed for the lines of <paramref name="file"/>, in line order.</summary>
    private static List<Hash32> ContributedIds(CliRun r, string file) =>
        r.Lines.Where(l => l.StartsWith(file + ":", StringComparison.Ordinal))
            .Select(l => Hash32.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).ToList();

    private async Task<AccountInfo> Account(int dev)
    {
        using var client = new LedgerClient(new Uri(node.NodeUrl));
        return await client.GetAccountAsync(node.Chain.Keys[dev].Address);
    }

    private string TempFile(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(TestChain.TempDirectory("openledger-cli-batch"), name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task A_hundred_contributions_from_one_jsonl_file_are_curated_by_one_command_in_one_submission()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "0", "--name", "batch-qa", "--task", "prompt-completion", "--stake", "0.5"))).Id("datanet");
        var jsonl = TempFile("qa.jsonl", Enumerable.Range(1, 100).Select(i =>
            JsonLine(("prompt", $"what is item {i}?"), ("completion", $"item {i} is the {i}th of a hundred: {Prose(i)[..60]}"))));
        var contributed = await Ok(Run("contribute", "--dev", "1", "--datanet", datanet.ToString(), "--jsonl", jsonl));
        Assert.Contains("100 of 100 examples contributed", contributed.Output);
        var ids = ContributedIds(contributed, "qa.jsonl");
        Assert.Equal(100, ids.Count);

        var before = await Account(0);
        var idsFile = TempFile("ids.txt", ["# the batch of 100", .. ids.Select((id, k) => k % 10 == 0 ? $"{id}   # row {k}" : id.ToString()), ""]);
        var curated = await Ok(Run("curate", "--dev", "0", "--file", idsFile, "--approve", "--reason", "batch"));
        Assert.Contains("100 of 100 contributions approved", curated.Output);
        Assert.Contains($"(transactions {before.NextNonce}..{before.NextNonce + 99} of {Dev(0)}, one submission)", curated.Output);
        foreach (var id in ids)
            Assert.Contains(curated.Lines, l => l.StartsWith(id.ToString(), StringComparison.Ordinal) && l.Contains(": success", StringComparison.Ordinal));
        Assert.Equal(before.Nonce + 100, (await Account(0)).Nonce);
        Assert.Equal("100 (100 approved, 0 rejected, 0 expired, 0 pending)",
            (await Ok(Run("datanet", "show", "--id", datanet.ToString()))).Field("contributions"));
    }

    [Fact]
    public async Task A_bad_jsonl_line_is_named_and_nothing_is_uploaded_or_sent()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "0", "--name", "batch-labels", "--task", "text-label"))).Id("datanet");
        var good = JsonLine(("text", "the river is calm"), ("label", "calm"));
        var jsonl = TempFile("labels.jsonl", [good, "", JsonLine(("text", "a storm"), ("lable", "rough")), "{not json"]);
        var before = await Account(2);
        var r = await Run("contribute", "--dev", "2", "--datanet", datanet.ToString(), "--jsonl", jsonl);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("labels.jsonl line 3: InvalidTaskExample: unexpected or repeated member 'lable'", r.Output);
        Assert.Contains("labels.jsonl line 4: InvalidTaskExample: content is not JSON", r.Output);
        Assert.Contains("2 bad lines", r.Output);
        Assert.Contains("nothing was uploaded or sent", r.Output);
        var after = await Account(2);
        Assert.Equal((before.Balance, before.Nonce, before.NextNonce), (after.Balance, after.Nonce, after.NextNonce));
        Assert.Equal("0 (0 approved, 0 rejected, 0 expired, 0 pending)", (await Ok(Run("datanet", "show", "--id", datanet.ToString()))).Field("contributions"));
        // The good line's content was not uploaded either: the node's store does not hold it.
        using var client = new LedgerClient(new Uri(node.NodeUrl));
        var hash = ContentHashes.Compute(System.Text.Encoding.UTF8.GetBytes(good)).ContentHash;
        var stored = await client.QueryAsync("query($h: Hash!) { content(hash: $h) { size } }", new { h = hash.ToString() });
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("content").ValueKind);
    }

    /// <summary>A text datanet of dev 0 with a near-duplicate pair by dev 2 (a, a with one word changed) and an
    /// unrelated contribution by dev 3, all pending.</summary>
    private async Task<(Hash32 Datanet, Hash32 A, Hash32 B, Hash32 C)> NearDuplicatePairAsync(string name, int seed)
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "0", "--name", name, "--task", "text"))).Id("datanet");
        var a = Prose(seed);
        var words = a.Split(' ');
        words[100] = "edited";
        var pair = await Ok(Run("contribute", "--dev", "2", "--datanet", datanet.ToString(),
            "--jsonl", TempFile("pair.jsonl", [JsonLine(("text", a)), JsonLine(("text", string.Join(' ', words)))])));
        var ids = ContributedIds(pair, "pair.jsonl");
        var other = await Ok(Run("contribute", "--dev", "3", "--datanet", datanet.ToString(), "--jsonl", TempFile("other.jsonl", [JsonLine(("text", Prose(seed + 1)))])));
        return (datanet, ids[0], ids[1], ContributedIds(other, "other.jsonl")[0]);
    }

    [Fact]
    public async Task All_pending_takes_what_the_filters_select()
    {
        var (datanet, a, b, c) = await NearDuplicatePairAsync("batch-filters", 10);
        var d = datanet.ToString();

        var byDev3 = await Ok(Run("curate", "--dev", "0", "--all-pending", "--datanet", d, "--contributor", Dev(3), "--approve"));
        Assert.Contains("1 of 1 contribution approved", byDev3.Output);
        Assert.Contains(byDev3.Lines, l => l.StartsWith(c.ToString(), StringComparison.Ordinal));

        // Nothing pending is without near-duplicates now; both of the pair have one.
        Assert.Contains("nothing to curate", (await Ok(Run("curate", "--dev", "0", "--all-pending", "--datanet", d, "--without-near-duplicates", "--approve"))).Output);
        var oldest = await Ok(Run("curate", "--dev", "0", "--all-pending", "--datanet", d, "--near-duplicates-only", "--limit", "1", "--reject", "--reason", "near copy"));
        Assert.Contains("1 of 1 contribution rejected", oldest.Output);
        Assert.Contains(oldest.Lines, l => l.StartsWith(a.ToString(), StringComparison.Ordinal)); // the oldest first
        var rest = await Ok(Run("curate", "--dev", "0", "--all-pending", "--datanet", d, "--approve"));
        Assert.Contains(rest.Lines, l => l.StartsWith(b.ToString(), StringComparison.Ordinal));
        Assert.Equal("3 (2 approved, 1 rejected, 0 expired, 0 pending)", (await Ok(Run("datanet", "show", "--id", d))).Field("contributions"));
    }

    [Fact]
    public async Task Each_refusal_has_its_code_and_sends_nothing()
    {
        var (datanet, a, b, c) = await NearDuplicatePairAsync("batch-refusals", 20);
        await Ok(Run("curate", "--dev", "0", "--contribution", c.ToString(), "--approve"));
        var unknown = Keccak256.Hash("no such contribution");
        var cases = new (string[] Argv, string Code)[]
        {
            (["--dev", "0", "--contribution", $"{a},{unknown}"], "UnknownContribution"),
            (["--dev", "0", "--contribution", a.ToString(), "--contribution", c.ToString()], "NotPending"),
            (["--dev", "0", "--contribution", $"{a},{b},{a}"], "DuplicateId"),
            (["--dev", "5", "--contribution", $"{a},{b}"], "NotCurator"),
            (["--dev", "5", "--all-pending", "--datanet", datanet.ToString()], "NotCurator"),
        };
        foreach (var (argv, code) in cases)
        {
            var signer = argv[1] == "5" ? 5 : 0;
            var before = await Account(signer);
            var r = await Run(["curate", .. argv, "--approve"]);
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains($"error: {code}: ", r.Output);
            Assert.Contains("nothing was sent", r.Output);
            Assert.DoesNotContain("committed", r.Output);
            var after = await Account(signer);
            Assert.Equal((before.Balance, before.Nonce, before.NextNonce), (after.Balance, after.Nonce, after.NextNonce));
        }
        Assert.Equal("3 (1 approved, 0 rejected, 0 expired, 2 pending)", (await Ok(Run("datanet", "show", "--id", datanet.ToString()))).Field("contributions"));
    }

    [Fact]
    public async Task Review_shows_each_pending_contribution_beside_its_near_duplicates()
    {
        var (datanet, a, b, c) = await NearDuplicatePairAsync("batch-review", 30);
        var r = await Ok(Run("datanet", "review", "--id", datanet.ToString(), "--width", "40"));
        Assert.Contains("3 pending", r.Output);
        var lines = r.Lines.ToList();
        var atA = lines.FindIndex(l => l.StartsWith(a.ToString(), StringComparison.Ordinal));
        Assert.Contains($"by {Dev(2)}", lines[atA]);
        Assert.Contains("curate by block", lines[atA]);
        Assert.StartsWith($"  text: \"{Prose(30)[..39]}…\"", lines[atA + 1]);
        Assert.Matches($@"^  near-duplicate {b}  Pending\s+similarity 0\.\d\d  text: ", lines[atA + 2]);
        var atB = lines.FindIndex(l => l.StartsWith(b.ToString(), StringComparison.Ordinal));
        Assert.StartsWith($"  near-duplicate {a}  Pending", lines[atB + 2]);
        var atC = lines.FindIndex(l => l.StartsWith(c.ToString(), StringComparison.Ordinal));
        Assert.Equal("  no near-duplicates", lines[atC + 2]);
        Assert.Contains("3 pending contributions shown, 2 with near-duplicates", r.Output);

        // Once a is approved, b's neighbour shows its new status.
        await Ok(Run("curate", "--dev", "0", "--contribution", a.ToString(), "--approve"));
        var after = (await Ok(Run("datanet", "review", "--id", datanet.ToString()))).Lines.ToList();
        Assert.StartsWith($"  near-duplicate {a}  Approved", after[after.FindIndex(l => l.StartsWith(b.ToString(), StringComparison.Ordinal)) + 2]);
    }

    [Fact]
    public async Task A_bad_id_in_a_file_names_its_line_with_exit_code_2()
    {
        var file = TempFile("bad-ids.txt", ["# ids", Keccak256.Hash("x").ToString(), "0x12"]);
        var r = await Run("curate", "--dev", "0", "--file", file, "--approve");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--file bad-ids.txt line 3: '0x12' is not a contribution id", r.Error);
    }
}
