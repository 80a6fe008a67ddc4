using System.Text.Json.Nodes;
using OpenLedger.Tests.Clients;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Web;

/// <summary>Runs tests/web/models.mjs once for the collection: Debian's Chromium, headless, drives the Models and Model
/// Factory pages against a real node (ML enabled): a small datanet made through GraphQL, a job started and watched from
/// the page with an injected EIP-1193 wallet, a second job cancelled by its owner from its page, the first registered
/// as a model, the model's page and the list, bad input; console errors, axe-core and screenshots on each page.</summary>
public sealed class ModelsBrowserRun : IAsyncLifetime
{
    public WebAppNodeFixture Node { get; } = new();
    public JsonNode Result { get; private set; } = null!;

    /// <summary>The datanet the run published (version 1, 20 text-label examples).</summary>
    public string Datanet => Result["datanet"]!.GetValue<string>();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        if (!File.Exists(ExplorerBrowserRun.Chromium))
            throw new InvalidOperationException($"{ExplorerBrowserRun.Chromium} is missing: `apt-get install chromium` (.ci/run installs it)");
        var keys = Node.Chain.Keys;
        Result = await NodeJs.RunAsync(Path.Combine(WebAppNodeFixture.RepositoryRoot, "tests", "web"), "models.mjs", new JsonObject
        {
            ["url"] = Node.BaseUrl.ToString(),
            ["walletKey"] = keys[1].ToHex(),
            ["ownerKey"] = keys[0].ToHex(),
            ["contributorKey"] = keys[2].ToHex(),
            ["screenshots"] = ExplorerBrowserRun.Screenshots,
            ["chromium"] = ExplorerBrowserRun.Chromium,
        }, TimeSpan.FromMinutes(5));
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ModelsBrowserCollection : ICollectionFixture<ModelsBrowserRun>
{
    public const string Name = "webapp-models";
}

[Collection(ModelsBrowserCollection.Name)]
public sealed class BrowserModelsTests(ModelsBrowserRun run, ITestOutputHelper output)
{
    private JsonNode R => run.Result;

    private void NoScriptError() => BrowserRunChecks.NoScriptError(R);

    private void Passed(params string[] names)
    {
        NoScriptError();
        BrowserRunChecks.Passed(R, names);
    }

    [Fact]
    public void A_datanet_with_a_version_opens_the_model_factory_with_the_nodes_defaults_and_cost_rule() =>
        Passed("datanet links the Model Factory with itself chosen", "the form starts from the node's defaults", "the cost rule is shown before signing");

    [Fact]
    public void A_budget_over_the_cap_is_refused_before_anything_is_signed() =>
        Passed("a budget over the cap is refused before signing");

    [Fact]
    public void A_job_signed_by_the_wallet_is_watched_live_with_a_loss_chart_that_gains_points_while_it_trains()
    {
        Passed("the loss chart gains points while the job trains", "the job is the wallet's and succeeded", "the page shows the final step, the adapter and the datanet by name",
            "the chart ends at the last step", "the live page's curve has every step once the job ends", "the Model Factory lists the signer's jobs");
        Assert.Equal(run.Node.Chain.Keys[1].Address.ToString(), R["trained"]!["owner"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void A_finished_jobs_page_opened_afresh_draws_its_whole_loss_curve_from_the_nodes_history() =>
        Passed("a finished job's page opened afresh draws its whole curve");

    [Fact]
    public void The_jobs_owner_cancels_it_from_its_page_with_its_signature() =>
        Passed("the owner cancels a job from its page");

    [Fact]
    public void The_advanced_recipe_refuses_a_bad_value_before_signing_and_its_options_reach_the_job()
    {
        Passed("a bad recipe option blocks signing", "the advanced recipe reaches the job");
        Assert.Equal("constant", R["recipe"]!["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void A_job_page_opened_mid_training_keeps_drawing_after_its_websocket_is_cut_and_comes_back() =>
        Passed("a job page opened mid-training goes on drawing after its socket is cut");

    [Fact]
    public void A_succeeded_job_is_registered_from_its_page_and_the_model_page_shows_versions_datanet_version_price_and_split()
    {
        Passed("the model is registered with the job's hashes", "the model page shows its version, adapter and datanet version", "the model page shows price and split",
            "the model page draws its revenue chart", "the model page says nobody asked it yet", "the models list links the model", "search by model id opens its page",
            "the model page lists an inference linked to its page");
        Assert.Equal("500000000000000000", R["model"]!["price"]!.GetValue<string>());
        Assert.Equal((7000, 2000, 1000), (R["model"]!["ownerBps"]!.GetValue<int>(), R["model"]!["contributorsBps"]!.GetValue<int>(), R["model"]!["protocolBps"]!.GetValue<int>()));
    }

    [Fact]
    public void Bad_input_says_what_is_wrong() =>
        Passed("models list says when there is none", "an unknown model id says so", "a malformed model id has its code", "an unknown job id says so",
            "a budget over the cap is refused before signing");

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
        BrowserRunChecks.AxeCleanWithScreenshots(R, 12);
    }

    /// <summary>Prints the figures the README records (no timed assertion: the targets are checked by reading them).</summary>
    [Fact]
    public void Prints_time_to_interactive_of_each_page_and_the_loss_chart_points()
    {
        NoScriptError();
        output.WriteLine($"loss chart points at two moments: {R["lossPoints"]!.ToJsonString()}");
        output.WriteLine($"the finished job's page opened afresh: {R["reopened"]?.ToJsonString()}");
        foreach (var page in R["pages"]!.AsArray())
            if (page!["readyMs"] is { } ms) output.WriteLine($"{page["name"]}: interactive after {ms} ms");
        Assert.NotEmpty(R["pages"]!.AsArray());
    }
}
