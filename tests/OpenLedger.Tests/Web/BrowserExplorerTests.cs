using System.Text.Json.Nodes;
using OpenLedger.Core.Genesis;
using OpenLedger.Tests.Clients;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Web;

/// <summary>Runs tests/web/explorer.mjs once per class: Debian's Chromium, headless, drives the explorer against a real
/// node (a transfer through an injected EIP-1193 wallet, a dev account derived in the page, every explorer page, bad
/// input, a lost socket), checking console errors and axe-core on each page and saving screenshots under artifacts/web.</summary>
public sealed class ExplorerBrowserRun : IAsyncLifetime
{
    public WebAppNodeFixture Node { get; } = new();
    public JsonNode Result { get; private set; } = null!;
    /// <summary>What the settlement credited dev 1 (wei), as the node's rewards(address) said after the flow.</summary>
    public string RewardTotal { get; private set; } = "0";
    public static string Screenshots => Path.Combine(WebAppNodeFixture.RepositoryRoot, "artifacts", "web");
    public const string Chromium = "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: `apt-get install chromium` (.ci/run installs it)");
        var keys = Node.Chain.Keys;
        // A settled inference first (the marketplace flow of GraphQLMarketplaceTests, ethers over GraphQL), so the
        // contributor's account page has rewards to show: dev 1 contributes, and is the browser's wallet below.
        var flow = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "marketplace-flow.mjs", new JsonObject
        {
            ["url"] = new Uri(Node.BaseUrl, "/graphql").ToString(),
            ["wsUrl"] = $"ws://127.0.0.1:{Node.HttpPort}/graphql",
            ["keys"] = new JsonObject
            {
                ["owner"] = keys[0].ToHex(),
                ["contributors"] = new JsonArray(keys[1].ToHex(), keys[2].ToHex(), keys[3].ToHex()),
                ["publisher"] = keys[4].ToHex(),
                ["caller"] = keys[5].ToHex(),
                ["serving"] = DevChain.ServingOperator(DevChain.Seed).ToHex(),
                ["attribution"] = DevChain.AttributionOperator(DevChain.Seed).ToHex(),
            },
        }, TimeSpan.FromSeconds(120));
        RewardTotal = flow["rewards"]!["rewards"]!["total"]!.GetValue<string>();
        Result = await NodeJs.RunAsync(Path.Combine(WebAppNodeFixture.RepositoryRoot, "tests", "web"), "explorer.mjs", new JsonObject
        {
            ["url"] = Node.BaseUrl.ToString(),
            ["walletKey"] = keys[1].ToHex(),
            ["recipient"] = keys[3].Address.ToString(),
            // A datanet of dev 0's naming the wallet (dev 1) its curator; dev 2 and dev 3 fill its curation queue.
            ["ownerKey"] = keys[0].ToHex(),
            ["contributorKeys"] = new JsonArray(keys[2].ToHex(), keys[3].ToHex()),
            ["devAccount"] = new JsonObject { ["index"] = 2, ["address"] = DevChain.Account(DevChain.Seed, 2).Address.ToString() },
            ["screenshots"] = Screenshots,
            ["chromium"] = Chromium,
        }, TimeSpan.FromMinutes(4));
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

public sealed class BrowserExplorerTests(ExplorerBrowserRun run, ITestOutputHelper output) : IClassFixture<ExplorerBrowserRun>
{
    private JsonNode R => run.Result;

    private void NoScriptError() => BrowserRunChecks.NoScriptError(R);

    private void Passed(params string[] names)
    {
        NoScriptError();
        BrowserRunChecks.Passed(R, names);
    }

    [Fact]
    public void A_transfer_signed_by_an_injected_eip1193_wallet_shows_its_fee_first_and_follows_to_committed()
    {
        Passed("fee shown before signing", "transfer committed on the node", "wallet choice survives a reload");
        var keys = run.Node.Chain.Keys;
        Assert.Equal(keys[1].Address.ToString(), R["transfer"]!["from"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(keys[3].Address.ToString(), R["transfer"]!["to"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("1250000000000000000", R["transfer"]!["amount"]!.GetValue<string>());
    }

    /// <summary>EIP-1193 events: the wallet's new account becomes the signer without connecting again, an empty account
    /// list disconnects; a wallet on another chain than the node's is told which chain to switch to, and signing there
    /// (told by chainChanged, or not told and refused by the wallet as MetaMask refuses) shows WALLET_WRONG_CHAIN.</summary>
    [Fact]
    public void The_page_follows_the_wallets_account_and_chain_and_names_the_chain_a_wrong_chain_wallet_must_switch_to() =>
        Passed("the wallet switches account: the header shows the new signer without reconnecting",
            "a wallet on another chain: the panel names the chain to switch to",
            "a wallet on another chain: signing is refused with WALLET_WRONG_CHAIN, nothing signed",
            "a wallet sharing no account (accountsChanged with none) disconnects the page");

    [Fact]
    public void A_dev_account_derived_in_the_browser_signs_its_own_eip712_digest()
    {
        Passed("dev account derived in the browser", "dev picker takes seed and count from the node");
        Assert.Equal("COMMITTED", R["devTransfer"]!["status"]!.GetValue<string>());
        Assert.Equal(DevChain.Account(DevChain.Seed, 2).Address.ToString(), R["devTransfer"]!["from"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("500000000000000000", R["devTransfer"]!["amount"]!.GetValue<string>());
    }

    [Fact]
    public void The_explorer_pages_show_the_transfer_and_verify_its_merkle_proof_in_the_browser_refusing_a_tampered_one() =>
        Passed("overview shows live link", "live block on overview", "overview charts start from chainActivity", "proof verified in browser", "receipt shown", "each page has its own title",
            "batch accepted", "account shows rewards by role", "account shows the cumulative rewards chart", "multi-step proof verified in browser", "tampered proof is not verified",
            "block lists the transaction", "blocks list links the block", "account lists the transfer", "account balance shown");

    [Fact]
    public void The_account_page_shows_the_rewards_a_settlement_credited()
    {
        Passed("account shows rewards by role", "account shows rewards by datanet name", "account shows rewards by model name",
            "account shows the cumulative rewards chart");
        Assert.NotEqual("0", run.RewardTotal);
        Assert.Equal(run.RewardTotal, R["rewardsShown"]!["total"]!.GetValue<string>());
    }

    [Fact]
    public void Search_finds_addresses_transactions_and_heights() =>
        Passed("search by address", "search by transaction hash", "search by height");

    [Fact]
    public void Search_asks_the_node_and_finds_marketplace_objects_opening_their_pages() =>
        Passed("search by datanet id opens the datanet", "search by contribution id lists it with its datanet",
            "search also lists the transaction that created it", "search by model id opens the model page");

    [Fact]
    public void The_datanet_pages_list_datanets_and_show_task_fees_stake_curators_versions_and_contributions()
    {
        Passed("datanets list links the datanet", "nav links the datanets", "datanet shows task, fee, stake and curators",
            "datanet shows its versions with roots", "datanet lists its contributions with status", "datanet flags a near duplicate", "datanet page has its own title",
            "unknown datanet says so");
        Assert.Equal(3, R["datanet"]!["contributions"]!.GetValue<int>());
    }

    [Fact]
    public void A_contribution_from_the_page_shows_its_fee_and_stake_before_signing_and_follows_to_committed()
    {
        Passed("contribution cost shown before signing", "contribution committed from the page", "datanet page lists the new contribution");
        Assert.Equal(run.Node.Chain.Keys[1].Address.ToString(), R["contributed"]!["contributor"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("PENDING", R["contributed"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_curator_approves_two_and_rejects_one_in_one_bulk_action_signed_per_intent_and_sent_in_one_call()
    {
        Passed("curation queue lists the pending contributions in the node's order", "a rejection needs a reason",
            "the bulk plan says two approvals and one rejection", "bulk curation: two approved and one rejected, followed to committed",
            "bulk curation: one typed data and one wallet signature each, sent in one sendTransactions call",
            "the node holds the decisions signed by the wallet", "the queue refreshes after the decisions");
        var curated = R["curated"]!;
        Assert.Equal("APPROVED", curated["a"]!["status"]!.GetValue<string>());
        Assert.Equal("APPROVED", curated["b"]!["status"]!.GetValue<string>());
        Assert.Equal("REJECTED", curated["c"]!["status"]!.GetValue<string>());
        Assert.Equal(run.Node.Chain.Keys[1].Address.ToString(), curated["c"]!["curator"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void A_non_curator_sees_the_queue_without_actions_and_a_refused_curation_shows_its_error_code() =>
        Passed("a non-curator sees the queue but no actions", "a refused curation shows its error code");

    [Fact]
    public void A_curator_publishes_a_version_seeing_what_it_includes_and_then_its_root()
    {
        Passed("publish shows what the version will include", "the published version shows its root", "the versions list shows the new root");
        Assert.Equal(1, R["published"]!["number"]!.GetValue<int>());
        Assert.Equal(2, R["published"]!["count"]!.GetValue<int>());
        Assert.Equal(run.Node.Chain.Keys[1].Address.ToString(), R["published"]!["publishedBy"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public void Bad_input_shows_its_error_code_or_says_nothing_matches() =>
        Passed("unknown hash says so", "wrong search input has its code", "unknown datanet says so", "wrong address has its code", "unknown transaction says so",
            "wrong recipient flagged", "send disabled for a wrong recipient", "refused transfer shows its code");

    [Fact]
    public void A_lost_websocket_says_it_is_reconnecting_and_comes_back() =>
        Passed("lost socket says reconnecting", "socket reconnects");

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
    public void Prints_first_load_size_time_to_interactive_and_live_block_latency()
    {
        NoScriptError();
        output.WriteLine($"first load JS: {R["firstLoad"]!.ToJsonString()}");
        output.WriteLine($"committed block -> shown on the overview: {R["liveBlockMs"]} ms");
        foreach (var page in R["pages"]!.AsArray())
            if (page!["readyMs"] is { } ms) output.WriteLine($"{page["name"]}: interactive after {ms} ms");
        Assert.True(R["firstLoad"]!["jsTransferBytes"]!.GetValue<long>() > 0);
    }
}
