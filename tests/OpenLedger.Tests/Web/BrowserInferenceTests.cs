using System.Text.Json.Nodes;
using OpenLedger.ML.Corpus;
using OpenLedger.Tests.Clients;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Web;

/// <summary>Runs tests/web/infer.mjs once per class against a real node holding a trained, registered model: the
/// script sets the model up through the public API (a text-label datanet of 20 WordNet glosses contributed by two dev
/// accounts, curated, published, a 16-step training job, registered), then Debian's Chromium pays for an inference from
/// the playground with an injected EIP-1193 wallet, follows it to its output and its settlement's attribution evidence,
/// watches a contributor's rewards page get the credit live, and tries bad input.</summary>
public sealed class InferenceBrowserRun : IAsyncLifetime
{
    public WebAppNodeFixture Node { get; } = new();
    public JsonNode Result { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        if (!File.Exists(ExplorerBrowserRun.Chromium))
            throw new InvalidOperationException($"{ExplorerBrowserRun.Chromium} is missing: `apt-get install chromium` (.ci/run installs it)");
        var keys = Node.Chain.Keys;
        // 20 real glosses of two categories, alternating, so a few steps learn both labels.
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Take(10);
        var foods = corpus.Synsets.Where(s => s.Category == "noun.food").Take(10);
        var examples = new JsonArray(animals.Zip(foods).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => (JsonNode)new JsonObject { ["text"] = $"{string.Join(", ", s.Words)}: {s.Definition}", ["label"] = s.Category }).ToArray());
        Result = await NodeJs.RunAsync(Path.Combine(WebAppNodeFixture.RepositoryRoot, "tests", "web"), "infer.mjs", new JsonObject
        {
            ["url"] = Node.BaseUrl.ToString(),
            ["examples"] = examples,
            // Training is the operator's (the test sets the model up with the node's token; the page never holds it).
            ["operatorToken"] = Node.OperatorToken,
            ["ownerKey"] = keys[0].ToHex(),
            ["contributorKeys"] = new JsonArray(keys[1].ToHex(), keys[2].ToHex()),
            ["publisherKey"] = keys[3].ToHex(),
            ["walletKey"] = keys[4].ToHex(),
            ["otherCallerKey"] = keys[5].ToHex(),
            ["screenshots"] = ExplorerBrowserRun.Screenshots,
            ["chromium"] = ExplorerBrowserRun.Chromium,
        }, TimeSpan.FromMinutes(5));
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

public sealed class BrowserInferenceTests(InferenceBrowserRun run, ITestOutputHelper output) : IClassFixture<InferenceBrowserRun>
{
    private JsonNode R => run.Result;

    private void NoScriptError() => BrowserRunChecks.NoScriptError(R);

    private void Passed(params string[] names)
    {
        NoScriptError();
        BrowserRunChecks.Passed(R, names);
    }

    [Fact]
    public void The_playground_shows_the_price_and_the_max_fee_before_signing_and_follows_the_paid_inference_live_to_its_output()
    {
        Passed("playground lists the registered model", "price shown equals the model's", "max fee shown equals the node's gas",
            "empty input refused", "inference paid from the playground", "output appears live", "output is the node's");
        Assert.Equal(run.Node.Chain.Keys[4].Address.ToString(), R["paid"]!["caller"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void The_attribution_evidence_appears_when_settled_with_texts_shares_summing_to_one_and_the_nodes_payouts()
    {
        Passed("evidence appears when settled", "contributions shown with their text", "shares sum to 1", "payouts equal the node's",
            "contributors link their accounts and contributions their datanets", "settlement credits equal the node's", "spans highlighted as the node lists them");
        Assert.Equal("SETTLED", R["paid"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void The_inference_page_shows_provenance_and_updates_when_the_settlement_lands_without_a_reload() =>
        Passed("inference page shows provenance", "inference page shows the evidence", "inference page settles live without reload",
            "search opens the inference page");

    [Fact]
    public void A_contributors_rewards_page_gets_the_new_credit_live_after_a_lost_socket_and_its_chart_grows() =>
        Passed("rewards page starts from the node's totals", "rewards tab lost its socket and reconnected",
            "rewards feed gets the credit live without reload", "rewards chart grows",
            "rewards totals by role include the credit", "rewards feed names the datanet and the model", "wallet panel links my rewards",
            "account page links the rewards feed");

    /// <summary>The account page's cumulative chart ends at the account's total even when one settlement's credits share
    /// a block time; the rewards feed pages back through older credits ("Older credits"), each credit shown once.</summary>
    [Fact]
    public void The_account_chart_ends_at_the_total_and_the_rewards_feed_pages_back_without_duplicates() =>
        Passed("account chart ends at the account's total, within its drawn scale", "rewards feed pages back through older credits, each once");

    [Fact]
    public void Bad_input_shows_its_error_code_or_says_nothing_matches() =>
        Passed("a wallet with no OPEN is refused with its code", "unknown inference says so", "invalid inference id has its code",
            "invalid rewards address has its code", "unknown model in the address says so");

    [Fact]
    public void No_page_logs_a_console_error()
    {
        NoScriptError();
        BrowserRunChecks.NoConsoleError(R);
    }

    [Fact]
    public void Axe_finds_no_serious_or_critical_violation_on_any_page_and_each_page_has_a_screenshot()
    {
        NoScriptError();
        BrowserRunChecks.AxeCleanWithScreenshots(R, 8);
    }

    /// <summary>Prints the figures the README records (no timed assertion).</summary>
    [Fact]
    public void Prints_time_to_interactive_and_the_inference_timeline()
    {
        NoScriptError();
        output.WriteLine($"first load JS: {R["firstLoad"]!.ToJsonString()}");
        output.WriteLine($"timeline (ms after Sign and pay): {R["timeline"]!.ToJsonString()}");
        output.WriteLine($"setup (ms): {R["setup"]!.ToJsonString()}");
        output.WriteLine($"account chart (last value, drawn y max, total wei, credits, blocks): {R["accountChart"]?.ToJsonString()}");
        output.WriteLine($"rewards paging: {R["rewardsPaging"]?.ToJsonString()}");
        foreach (var page in R["pages"]!.AsArray())
            if (page!["readyMs"] is { } ms) output.WriteLine($"{page["name"]}: interactive after {ms} ms");
        Assert.True(R["firstLoad"]!["jsTransferBytes"]!.GetValue<long>() > 0);
    }
}
