using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Web;

/// <summary>Runs tests/web/story.mjs once per class: the whole story through the web app's UI only, in Debian's
/// Chromium against its own real node, with an injected EIP-1193 test wallet holding dev keys 0-2 and switching
/// between them. First half: dev 0 creates a datanet from the page, dev 1 contributes twelve files (a wrong-format and
/// an over-size file refused before signing), dev 2 eight texts, dev 0 curates all twenty across the queue's two pages
/// in one submission and publishes version 1. Second half: dev 3 trains a model on it from the Model Factory page
/// (the loss chart moving), registers it from the job's page; dev 4 pays for an inference from the playground, sees the
/// output and its attribution evidence; the contributors' rewards pages, open in other tabs, get the credits live.</summary>
public sealed class StoryBrowserRun : IAsyncLifetime
{
    public WebAppNodeFixture Node { get; } = new();
    public JsonNode Result { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        if (!File.Exists(ExplorerBrowserRun.Chromium))
            throw new InvalidOperationException($"{ExplorerBrowserRun.Chromium} is missing: `apt-get install chromium` (.ci/run installs it)");
        var keys = Node.Chain.Keys;
        Result = await Clients.NodeJs.RunAsync(Path.Combine(WebAppNodeFixture.RepositoryRoot, "tests", "web"), "story.mjs", new JsonObject
        {
            ["url"] = Node.BaseUrl.ToString(),
            ["keys"] = new JsonArray(keys[0].ToHex(), keys[1].ToHex(), keys[2].ToHex(), keys[3].ToHex(), keys[4].ToHex()),
            ["screenshots"] = ExplorerBrowserRun.Screenshots,
            ["chromium"] = ExplorerBrowserRun.Chromium,
        }, TimeSpan.FromMinutes(10));
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

public sealed class StoryBrowserTests(StoryBrowserRun run, ITestOutputHelper output) : IClassFixture<StoryBrowserRun>
{
    private JsonNode R => run.Result;

    /// <summary>The named checks passed (each is true, or what the browser saw instead), and the steps before them ran.</summary>
    private void Passed(params string[] names) => BrowserRunChecks.Passed(R, names);

    [Fact]
    public void The_story_runs_every_step_to_the_end()
    {
        foreach (var step in R["steps"]!.AsArray()) output.WriteLine($"{step!["name"]}: {step["ms"]} ms");
        Assert.True(R["error"] is null, $"the story stopped: {R["error"]}");
        Assert.Equal(["create a datanet", "contribute files", "contribute text", "curate in bulk", "publish a version",
                "train a model", "register the model", "pay for an inference", "rewards update live"],
            R["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void A_datanet_is_created_from_the_page_with_its_gas_shown_before_signing_and_opens_once_committed() =>
        Passed("the datanets list offers to create one", "creating a datanet without a name is refused on the page", "a wrong curator address is flagged",
            "the create form shows its gas before signing", "the datanet created from the page is on the node, signed once by the wallet",
            "the new datanet's page opens once it is committed");

    [Fact]
    public void Files_chosen_and_dropped_are_checked_by_the_node_before_signing_then_contributed_in_one_submission()
    {
        Passed("twelve files chosen and dropped are checked by the node and ready to sign",
            "each file is uploaded on its own as the CLI does (uploadContent with base64 and the datanet)",
            "each file's fee and stake before signing are the node's contributionCost", "the plan says twelve signatures in one submission",
            "the twelve files are contributed, each followed to committed", "one wallet signature per file, all sent in one sendTransactions call",
            "the node holds twelve pending contributions from the file contributor");
        Assert.Equal(run.Node.Chain.Keys[1].Address.ToString(), R["story"]!["fileContributor"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void A_file_in_the_wrong_format_or_too_large_shows_its_code_and_is_not_signed() =>
        Passed("a file not in the datanet's format shows InvalidTaskExample before signing", "an over-size file shows its code before signing");

    [Fact]
    public void A_second_account_contributes_text_from_the_page()
    {
        Passed("eight texts contributed from the page by a second account");
        Assert.Equal(run.Node.Chain.Keys[2].Address.ToString(), R["story"]!["textContributor"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void The_owner_curates_twenty_across_the_queues_pages_in_one_submission() =>
        Passed("the queue shows its first page of ten of twenty", "the queue pages past ten rows", "decisions chosen on two pages are planned together",
            "twenty decisions followed to committed: nineteen approved, one rejected", "bulk curation: one signature each, one sendTransactions call",
            "the node holds the decisions", "the queue is empty afterwards");

    [Fact]
    public void The_owner_publishes_version_1_and_sees_its_root()
    {
        Passed("version 1 published from the page, its root the node's");
        Assert.Equal(19, R["story"]!["version"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public void The_publisher_trains_on_the_published_version_from_the_page_and_watches_the_loss_chart_move()
    {
        Passed("the loss chart moves while the job trains", "the job was started by the publisher's one signature and trained version 1 to the end");
        output.WriteLine($"point counts the loss chart showed while training (first 12): {R["story"]!["lossPoints"]!.ToJsonString()}");
    }

    [Fact]
    public void The_trained_job_is_registered_as_a_model_from_its_page() =>
        Passed("the model registered from the job page is the publisher's, trained on version 1");

    [Fact]
    public void An_inference_paid_from_the_playground_shows_its_output_and_attribution_to_the_storys_contributions()
    {
        Passed("the playground shows the model's price and the gas before signing", "the output shown is the node's, paid by the caller",
            "the attribution evidence names the story's contributions with the node's payouts");
        output.WriteLine($"output after {R["story"]!["outputMs"]} ms, evidence after {R["story"]!["evidenceMs"]} ms");
    }

    [Fact]
    public void The_contributors_rewards_pages_get_the_credits_live() =>
        Passed("the settlement credits the story's contributors",
            "each credited contributor's open rewards page shows the new credit and total live, without a reload");

    [Fact]
    public void No_story_page_logs_a_console_error_or_has_a_serious_axe_violation_and_each_has_a_screenshot()
    {
        BrowserRunChecks.NoConsoleError(R);
        BrowserRunChecks.AxeCleanWithScreenshots(R, 10);
    }

    /// <summary>Prints each story page's time to interactive (the README's figures; no timed assertion).</summary>
    [Fact]
    public void Prints_time_to_interactive_of_each_story_page()
    {
        foreach (var page in R["pages"]!.AsArray())
            if (page!["readyMs"] is { } ms) output.WriteLine($"{page["name"]}: interactive after {ms} ms");
        foreach (var step in R["steps"]!.AsArray()) output.WriteLine($"step {step!["name"]}: {step["ms"]} ms");
        Assert.Contains(R["pages"]!.AsArray(), p => p!["readyMs"] is not null);
    }
}
