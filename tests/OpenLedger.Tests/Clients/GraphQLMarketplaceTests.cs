using System.Net;
using System.Net.WebSockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;
using static OpenLedger.Tests.Support.GraphQLWebSocket;

namespace OpenLedger.Tests.Clients;

/// <summary>The marketplace through the node's GraphQL gateway: a whole flow driven by real npm clients (ethers signs
/// every kind from <c>typedData</c>, graphql-ws follows a datanet and a contributor's rewards), the typed data of every
/// kind read back by the core, the shared stream subscriptions, and bad input that must get stable codes.</summary>
public sealed partial class GraphQLMarketplaceTests(GraphQLMarketplaceFixture node, ITestOutputHelper output) : IClassFixture<GraphQLMarketplaceFixture>
{
    private static readonly string[] NewKinds =
        ["createDatanet", "updateDatanet", "contribute", "curate", "publishVersion", "registerModel", "updateModel", "requestInference", "postResult", "settleAttribution"];

    [Fact]
    public async Task An_ethers_marketplace_flow_runs_through_GraphQL_only_and_the_contributor_sees_its_reward_live()
    {
        var keys = node.Chain.Keys;
        var r = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "marketplace-flow.mjs", new JsonObject
        {
            ["url"] = node.GraphQLUrl.ToString(),
            ["wsUrl"] = node.WebSocketUrl.ToString(),
            ["keys"] = new JsonObject
            {
                ["owner"] = keys[0].ToHex(),
                ["contributors"] = new JsonArray(keys[1].ToHex(), keys[2].ToHex(), keys[3].ToHex()),
                ["publisher"] = keys[4].ToHex(),
                ["caller"] = keys[5].ToHex(),
                ["serving"] = node.ServingOperator.ToHex(),
                ["attribution"] = node.AttributionOperator.ToHex(),
            },
        }, TimeSpan.FromSeconds(120));
        output.WriteLine(r.ToJsonString());

        // Every kind was built by typedData, signed by ethers, accepted by sendTransaction and committed successfully;
        // ethers' digest is the node's, and is the transaction's hash.
        var signed = r["signed"]!.AsArray();
        Assert.Equal(NewKinds.OrderBy(k => k), signed.Select(s => S(s!["kind"])).Distinct().OrderBy(k => k));
        Assert.All(signed, s => Assert.True(s!["ethersHashMatches"]!.GetValue<bool>(), s.ToJsonString()));
        Assert.All(signed, s => Assert.Equal(S(s!["typedDataHash"]), S(s["hash"])));
        Assert.Empty(r["documentErrors"]!.AsArray());

        var datanetId = S(r["datanetId"]);
        var contributions = r["contributionIds"]!.AsArray().Select(S).ToList();
        var contributors = r["addresses"]!["contributors"]!.AsArray().Select(S).ToList();
        Assert.Equal(keys[1].Address.ToString(), contributors[0]);

        // The datanet as curated: updated, 3 contributions, 2 approved in order, 1 rejected, one version.
        var d = r["datanet"]!;
        Assert.Equal(datanetId, S(d["id"]));
        Assert.Equal(keys[0].Address.ToString(), S(d["owner"]));
        Assert.Equal("Short encyclopaedic texts about European birds.", S(d["description"]));
        Assert.Equal(["birds", "wordnet", "europe"], d["tags"]!.AsArray().Select(S));
        Assert.Equal([keys[4].Address.ToString()], d["curators"]!.AsArray().Select(S));
        Assert.Equal(("TEXT", "OWNER"), (S(d["taskKind"]), S(d["forfeitTo"])));
        Assert.Equal((3, 2, 1, 0, 0, 1), (I(d["contributionCount"]), I(d["approvedCount"]), I(d["rejectedCount"]), I(d["expiredCount"]), I(d["pendingCount"]), I(d["versionCount"])));
        var byId = d["contributions"]!["nodes"]!.AsArray().ToDictionary(c => S(c!["id"]), c => c!);
        Assert.Equal(("APPROVED", 0, "accurate"), (S(byId[contributions[0]]["status"]), I(byId[contributions[0]]["approvalIndex"]), S(byId[contributions[0]]["reason"])));
        Assert.Equal(("APPROVED", 1), (S(byId[contributions[1]]["status"]), I(byId[contributions[1]]["approvalIndex"])));
        Assert.Equal("REJECTED", S(byId[contributions[2]]["status"]));
        Assert.Null(byId[contributions[2]]["approvalIndex"]);
        Assert.All(byId.Values, c => Assert.Equal(datanetId, S(c["datanet"]!["id"])));
        // Each shows the last block in which it could be curated: its own + the genesis' curation timeout.
        Assert.All(byId.Values, c => Assert.Equal(c["createdHeight"]!.GetValue<long>() + 604_800, c["deadlineHeight"]!.GetValue<long>()));
        Assert.Equal(contributions.Take(2).Order(), d["approved"]!["nodes"]!.AsArray().Select(c => S(c!["id"])).Order());

        // The third text is a near-duplicate of the first, and the index says so.
        Assert.Contains(r["nearDuplicatesOfThird"]!.AsArray(), n => S(n!["contributionId"]) == contributions[0] && n["similarity"]!.GetValue<double>() >= 0.8);
        // Before signing: the upload names the datanet and lists the same near-duplicate (and the identical third one).
        Assert.Contains(r["nearDuplicatesOnUpload"]!.AsArray(), n => S(n!["contributionId"]) == contributions[0] && n["similarity"]!.GetValue<double>() >= 0.8);
        Assert.Contains(r["nearDuplicatesOnUpload"]!.AsArray(), n => S(n!["contributionId"]) == contributions[2] && n["similarity"]!.GetValue<double>() == 1.0);

        // Version 1: the two approved contributions in approval order, under the root ethers recomputes; the first
        // contribution's proof verifies in JavaScript and on the node; the rejected one has no proof.
        var v = d["version"]!;
        Assert.Equal((1, 2), (I(v["number"]), I(v["count"])));
        Assert.Equal(contributions.Take(2), v["contributions"]!["nodes"]!.AsArray().Select(c => S(c!["id"])));
        Assert.Equal(S(v["root"]), S(r["recomputedRoot"]));
        Assert.True(r["proofVerifies"]!.GetValue<bool>());
        var proof = r["proof"]!;
        Assert.True(proof["valid"]!.GetValue<bool>());
        Assert.Equal((S(v["id"]), 0, 2, contributions[0]), (S(proof["version"]), I(proof["index"]), I(proof["count"]), S(proof["contribution"])));
        Assert.Null(r["rejectedProof"]);

        // The model: registered on version 1, updated to its version 2 on the same data.
        var m = r["model"]!;
        Assert.Equal((2, "ACTIVE", 1L), (I(m["version"]), S(m["status"]), m["inferenceCount"]!.GetValue<long>()));
        Assert.Equal([1, 2], m["versions"]!.AsArray().Select(x => I(x!["number"])));
        Assert.All(m["versions"]!.AsArray(), x => Assert.Equal(S(v["id"]), S(x!["datanetVersions"]![0]!["id"])));
        Assert.Equal([S(r["modelId"])], r["publisherModels"]!["nodes"]!.AsArray().Select(x => S(x!["id"])));

        // The exact split: protocol 10%, owner 20%, contributors 70% by weight 3:1 (FeeSplit, the core's own method).
        var price = Wei.FromOpen(1);
        var shares = FeeSplit.Split(price, [1000, 2000, 7000]);
        var contributorShares = FeeSplit.Split(shares[2], [3, 1]);
        var expected = contributorShares[0];

        var inference = r["inference"]!;
        Assert.Equal(("SETTLED", 2, price.ToString()), (S(inference["status"]), I(inference["modelVersion"]), S(inference["escrow"])));
        Assert.Equal(node.ServingOperator.Address.ToString(), S(inference["server"]));
        Assert.Equal(node.AttributionOperator.Address.ToString(), S(inference["settler"]));
        var rewards = inference["rewards"]!.AsArray();
        Assert.Equal(4, rewards.Count);
        Assert.Equal(BigInteger.Parse(price.ToString()), rewards.Aggregate(BigInteger.Zero, (sum, x) => sum + BigInteger.Parse(S(x!["amount"]))));
        Assert.Contains(rewards, x => S(x!["party"]) == contributors[0] && S(x["amount"]) == expected.ToString() && S(x["detail"]) == "contributor");
        Assert.Contains(rewards, x => S(x!["party"]) == contributors[1] && S(x["amount"]) == contributorShares[1].ToString());

        // The inference(id) subscription, made once the request committed, showed each committed change once (the
        // result posted, then the settlement) and completed when it closed.
        var followed = r["followedInference"]!;
        Assert.Empty(followed["errors"]!.AsArray());
        Assert.Equal(["REQUESTED", "SERVED", "SETTLED"], followed["events"]!.AsArray().Select(e => S(e!["status"])));
        Assert.All(followed["events"]!.AsArray(), e => Assert.Equal(S(r["inferenceId"]), S(e!["id"])));
        Assert.True(followed["completed"]!.GetValue<bool>());

        // The rewards subscription, made before settlement, delivered the contributor's credit, and only rewards.
        Assert.Empty(r["rewardsErrors"]!.AsArray());
        var live = r["rewardsEvents"]!.AsArray();
        Assert.All(live, e => Assert.Equal("REWARD_CREDITED", S(e!["kind"])));
        var credit = Assert.Single(live);
        Assert.Equal((contributors[0], expected.ToString(), contributions[0], S(r["inferenceId"]), S(r["settlement"])),
            (S(credit!["party"]), S(credit["amount"]), S(credit["contribution"]), S(credit["inference"]), S(credit["txHash"])));
        Assert.Contains(r["callerAllEvents"]!.AsArray(), e => S(e!["kind"]) == "INFERENCE_SETTLED");
        Assert.Empty(r["callerRewardsOnlyEvents"]!.AsArray());
        Assert.Equal(BigInteger.Parse(expected.ToString()), BigInteger.Parse(S(r["balanceAfter"])) - BigInteger.Parse(S(r["balanceBefore"])));

        // The totals agree with the live event.
        var summary = r["rewards"]!["rewards"]!;
        Assert.Equal((expected.ToString(), 1L), (S(summary["total"]), summary["count"]!.GetValue<long>()));
        Assert.Equal(("contributor", expected.ToString()), (S(summary["byRole"]![0]!["scope"]), S(summary["byRole"]![0]!["amount"])));
        Assert.Equal(datanetId, S(summary["byDatanet"]![0]!["scope"]));
        Assert.Equal(S(r["modelId"]), S(summary["byModel"]![0]!["scope"]));
        Assert.Equal(expected.ToString(), S(r["rewards"]!["account"]!["rewards"]!["total"]));
        Assert.Equal(expected.ToString(), S(r["rewards"]!["account"]!["rewardHistory"]!["nodes"]![0]!["amount"]));

        // datanetActivity delivered the datanet's events in commit order.
        Assert.Empty(r["activity"]!["errors"]!.AsArray());
        var activity = r["activity"]!["events"]!.AsArray();
        var kinds = activity.Select(e => S(e!["kind"])).ToList();
        Assert.Equal(3, kinds.Count(k => k == "CONTRIBUTION_ADDED"));
        Assert.Equal(2, kinds.Count(k => k == "CONTRIBUTION_APPROVED"));
        Assert.Equal(1, kinds.Count(k => k == "CONTRIBUTION_REJECTED"));
        Assert.Equal(1, kinds.Count(k => k == "VERSION_PUBLISHED"));
        Assert.Contains("DATANET_UPDATED", kinds);
        Assert.Equal("DATANET_CREATED", kinds[0]); // committed before the subscription: replayed from fromHeight
        Assert.All(activity, e => Assert.Equal(datanetId, S(e!["datanet"])));
        var order = activity.Select(e => (e!["height"]!.GetValue<long>(), I(e["sequence"]))).ToList();
        Assert.Equal(order.Order(), order);

        // Lists and content.
        var lists = r["lists"]!;
        Assert.Equal([contributions[2]], lists["rejected"]!["nodes"]!.AsArray().Select(x => S(x!["id"])));
        Assert.Equal("near-duplicate", S(lists["byContributor"]!["nodes"]![0]!["reason"]));
        Assert.Equal(r["uploads"]![1]!["size"]!.GetValue<long>(), lists["content"]!["size"]!.GetValue<long>());
        Assert.StartsWith("A datanet is a community dataset", S(lists["content"]!["text"]));
        Assert.Equal(9, lists["marketEvents"]!["nodes"]!.AsArray().Count); // created, updated, 3 added, 3 curated, published (a datanet's feed leaves out reward credits)

        // The script closed its subscriptions: the gateway no longer listens to those streams.
        await ListenersAre("the script's subscriptions released",
            (MarketStreams.DatanetStream(datanetId), 0), (MarketStreams.RewardsStream(contributors[0]), 0));
    }

    [Fact]
    public async Task GraphQL_js_rebuilds_the_schema_with_the_marketplace_and_its_documents_validate()
    {
        string[] documents =
        [
            "query($id: Hash!) { datanet(id: $id) { name contributions(status: PENDING, first: 5) { nodes { id status } } versions { nodes { number root } } activity { nodes { kind } } } }",
            "query($a: Address!) { account(address: $a) { rewards { total byRole { scope amount } } rewardHistory(first: 5) { edges { cursor node { amount } } } } }",
            "mutation($i: SettleAttributionIntent!) { typedData(settleAttribution: $i) { json hash primaryType } }",
            "mutation { uploadContent(text: \"x\") { hash normalizedHash size } }",
            "subscription($id: Hash!) { datanetActivity(id: $id) { kind height sequence } }",
            "subscription($a: Address!) { rewards(address: $a, all: true) { kind amount party } }",
            "{ marketEvents(kinds: [REWARD_CREDITED], first: 3) { nodes { kind } } models(status: RETIRED) { nodes { id } } content(hash: \"0x0000000000000000000000000000000000000000000000000000000000000000\") { text } }",
            // What the web app's pages ask for (WebAppQueriesTests runs them).
            "query($a: Address!, $m: Hash!) { search(text: \"1\") { kind key block { height } account { balance } } chainActivity(bucketSeconds: 10, buckets: 30) { complete buckets { start blocks transactions } } " +
                "account(address: $a) { rewardSeries(buckets: 24, bucketSeconds: 3600) { total buckets { end cumulative } } rewards { byDatanet { datanet { name } } byModel { model { name } } } } " +
                "model(id: $m) { revenueSeries { revenue buckets { requested settled revenue } } } }",
            "query($id: Hash!) { datanet(id: $id) { contributionCost(size: 100) { fee stake total } curationQueue(first: 10) { totalCount nodes { id nearDuplicates { similarity } } } } }",
            "mutation($d: Hash!) { uploadContent(text: \"x\", datanet: $d) { hash cost { total } } }",
        ];
        var result = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "ledger-introspect.mjs",
            new JsonObject { ["url"] = node.GraphQLUrl.ToString(), ["documents"] = new JsonArray(documents.Select(d => (JsonNode)d).ToArray()) },
            TimeSpan.FromSeconds(30));
        Assert.Empty(result["schemaErrors"]!.AsArray());
        var errors = result["documentErrors"]!.AsArray();
        for (int i = 0; i < documents.Length; i++) Assert.True(errors[i]!.AsArray().Count == 0, $"{documents[i]}: {errors[i]!.ToJsonString()}");
        var subscriptions = result["subscriptionFields"]!.AsArray().Select(f => S(f)).ToList();
        Assert.Contains("datanetActivity", subscriptions);
        Assert.Contains("rewards", subscriptions);
    }

    [Fact]
    public async Task Typed_data_of_every_kind_reads_back_as_the_same_transaction_and_a_batch_of_signed_ones_commits()
    {
        var from = node.Chain.Keys[6];
        var intents = MarketIntentSamples.OneOfEachKind(node.Chain.Keys[7].Address);
        Assert.Equal(NewKinds.Order(), intents.Keys.Order());
        foreach (var (argument, intent) in intents)
        {
            intent["from"] = from.Address.ToString();
            intent["nonce"] = "41";
            var type = char.ToUpperInvariant(argument[0]) + argument[1..] + "Intent";
            var (_, body) = await PostAsync($"mutation($i: {type}!) {{ typedData({argument}: $i) {{ json hash primaryType }} }}", new JsonObject { ["i"] = intent });
            Assert.True(body["errors"] is null, $"{argument}: {body.ToJsonString()}");
            var td = body["data"]!["typedData"]!;
            Assert.True(TypedDataDocument.TryParse(S(td["json"]), out var tx, out var why), $"{argument}: {why}");
            Assert.Equal(S(td["primaryType"]), tx!.Kind.ToString());
            Assert.Equal(S(td["hash"]), tx.SigningHash().ToString());
            Assert.Equal((41UL, from.Address, node.Chain.Rules.ChainId), (tx.Nonce, tx.From, tx.ChainId));
            // The message carries every field of the kind's schema, with the values given.
            var message = JsonNode.Parse(S(td["json"]))!["message"]!.AsObject();
            Assert.All(TxBodies.SchemaOf(tx.Kind), f => Assert.True(message.ContainsKey(f.Name), $"{argument}.{f.Name}"));
        }

        // Two createDatanet transactions signed here from typedData (default nonces: the second counts the first as
        // pending), submitted together with sendTransactions: both accepted and committed.
        var hashes = new List<string>();
        var signedItems = new JsonArray();
        foreach (var name in new[] { "first", "second" })
        {
            var intent = intents["createDatanet"].DeepClone().AsObject();
            intent.Remove("nonce");
            intent["name"] = $"batch {name}";
            var (_, body) = await PostAsync("mutation($i: CreateDatanetIntent!) { typedData(createDatanet: $i) { json hash } }", new JsonObject { ["i"] = intent });
            var json = S(body["data"]!["typedData"]!["json"]);
            Assert.True(TypedDataDocument.TryParse(json, out var tx, out _));
            var signature = tx!.Sign(from).Signature;
            signedItems.Add(new JsonObject { ["typedData"] = json, ["signature"] = "0x" + Convert.ToHexStringLower(signature.ToArray()) });
            hashes.Add(S(body["data"]!["typedData"]!["hash"]));
            if (name == "first")
            {
                // Make the first pending before asking for the second's typed data, so its default nonce follows.
                var (_, sent) = await PostAsync("mutation($s: [SignedTransactionInput!]!) { sendTransactions(signed: $s) { accepted hash errorCode } }",
                    new JsonObject { ["s"] = new JsonArray(signedItems[0]!.DeepClone()) });
                Assert.True(sent["data"]!["sendTransactions"]![0]!["accepted"]!.GetValue<bool>(), sent.ToJsonString());
            }
        }
        var (_, batch) = await PostAsync("mutation($s: [SignedTransactionInput!]!) { sendTransactions(signed: $s) { accepted hash errorCode } }",
            new JsonObject { ["s"] = new JsonArray(signedItems[1]!.DeepClone()) });
        Assert.True(batch["data"]!["sendTransactions"]![0]!["accepted"]!.GetValue<bool>(), batch.ToJsonString());
        using var client = new LedgerClient(node.GraphQLUrl);
        foreach (var hash in hashes)
        {
            var tx = await client.WaitForCommitAsync(Hash32.Parse(hash), TimeSpan.FromSeconds(20));
            Assert.True(tx is { Status: TransactionStatus.Committed, Succeeded: true }, tx.ToString());
            var (_, datanet) = await PostAsync("query($id: Hash!) { datanet(id: $id) { id name taskKind forfeitTo stake curators } }", new JsonObject { ["id"] = hash });
            Assert.Equal(hash, S(datanet["data"]!["datanet"]!["id"]));
            Assert.Equal(("PROMPT_COMPLETION", "TREASURY", "5"), (S(datanet["data"]!["datanet"]!["taskKind"]), S(datanet["data"]!["datanet"]!["forfeitTo"]), S(datanet["data"]!["datanet"]!["stake"])));
        }
    }

    [Fact]
    public async Task GraphQL_subscriptions_share_one_stream_listener_per_stream_and_release_it_when_they_complete()
    {
        var datanet = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var account = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var datanetStream = MarketStreams.DatanetStream(datanet);
        var rewardsStream = MarketStreams.RewardsStream(account);

        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        await ws.ConnectAsync(node.WebSocketUrl, CancellationToken.None);
        await SendAsync(ws, new JsonObject { ["type"] = "connection_init" });
        Assert.Equal("connection_ack", S((await ReceiveAsync(ws))["type"]));

        JsonObject Subscribe(string id, string query) => new() { ["id"] = id, ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = query } };
        await SendAsync(ws, Subscribe("a", $"subscription {{ datanetActivity(id: \"{datanet}\") {{ kind }} }}"));
        await SendAsync(ws, Subscribe("b", $"subscription {{ datanetActivity(id: \"{datanet}\") {{ kind height }} }}"));
        await SendAsync(ws, Subscribe("c", $"subscription {{ rewards(address: \"{account}\") {{ amount }} }}"));
        await ListenersAre("three subscriptions on two streams", (datanetStream, 2), (rewardsStream, 1));

        // A replay from a negative height is refused with its code before any listener is made.
        await SendAsync(ws, Subscribe("d", $"subscription {{ datanetActivity(id: \"{datanet}\", fromHeight: -1) {{ kind }} }}"));
        var refused = await ReceiveAsync(ws);
        Assert.Equal("d", S(refused["id"]));
        var errors = S(refused["type"]) == "error" ? refused["payload"]!.AsArray() : refused["payload"]!["errors"]!.AsArray();
        Assert.Equal("INVALID_HEIGHT", S(errors[0]!["extensions"]!["code"]));
        await ListenersAre("the refused replay added no listener", (datanetStream, 2), (rewardsStream, 1));

        await SendAsync(ws, new JsonObject { ["id"] = "a", ["type"] = "complete" });
        await ListenersAre("the completed subscription's listener released", (datanetStream, 1), (rewardsStream, 1));

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await ListenersAre("every listener released with the socket", (datanetStream, 0), (rewardsStream, 0));
    }

    [Fact]
    public async Task Bad_marketplace_input_gets_stable_codes_and_the_node_keeps_serving()
    {
        var from = node.Chain.Keys[7].Address.ToString();
        var unknown = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        JsonObject Datanet(Action<JsonObject>? change = null)
        {
            var i = new JsonObject
            {
                ["from"] = from, ["name"] = "ok", ["description"] = "", ["tags"] = new JsonArray(), ["license"] = "", ["taskKind"] = 1,
                ["feePerKb"] = "0", ["stake"] = "0", ["forfeitTo"] = 1, ["curators"] = new JsonArray(),
            };
            change?.Invoke(i);
            return i;
        }
        const string CreateDatanet = "mutation($i: CreateDatanetIntent!) { typedData(createDatanet: $i) { hash } }";

        var cases = new List<(string What, string Query, JsonObject? Variables, string Code)>
        {
            // Ids that are not 32-byte hex fail validation against the Hash scalar (the message names the type).
            ("bad id literal", "{ datanet(id: \"0x12\") { id } }", null, "GRAPHQL_VALIDATION_FAILED"),
            ("bad id variable", "query($id: Hash!) { contribution(id: $id) { id } }", new() { ["id"] = "contribution-1" }, "GRAPHQL_VALIDATION_FAILED"),
            ("bad address", "{ rewards(address: \"0x1234\") { total } }", null, "GRAPHQL_VALIDATION_FAILED"),
            // Argument combinations.
            ("two intents", "mutation($i: CreateDatanetIntent!, $t: TransferIntent!) { typedData(createDatanet: $i, transfer: $t) { hash } }",
                new() { ["i"] = Datanet(), ["t"] = new JsonObject { ["from"] = from, ["to"] = from, ["amount"] = "1" } }, "BAD_INPUT"),
            ("no intent", "mutation { typedData { hash } }", null, "BAD_INPUT"),
            ("contributions without a filter", "{ contributions { nodes { id } } }", null, "BAD_ARGUMENTS"),
            ("text and base64", "mutation { uploadContent(text: \"a\", base64: \"YQ==\") { hash } }", null, "BAD_INPUT"),
            ("neither text nor base64", "mutation { uploadContent { hash } }", null, "BAD_INPUT"),
            ("bad base64", "mutation { uploadContent(base64: \"***\") { hash } }", null, "BAD_INPUT"),
            ("bad cursor", "{ datanets(after: \"bm90IGEgY3Vyc29y\") { nodes { id } } }", null, "BAD_CURSOR"),
            // Field values the core refuses, with the ledger's codes.
            ("name over its limit", CreateDatanet, new() { ["i"] = Datanet(i => i["name"] = new string('n', 65)) }, "InvalidField"),
            ("too many tags", CreateDatanet, new() { ["i"] = Datanet(i => i["tags"] = new JsonArray(Enumerable.Range(0, 17).Select(n => (JsonNode)$"t{n}").ToArray())) }, "InvalidField"),
            ("uint8 out of range", CreateDatanet, new() { ["i"] = Datanet(i => i["taskKind"] = 300) }, "InvalidField"),
            ("unknown enum value", CreateDatanet, new() { ["i"] = Datanet(i => i["forfeitTo"] = 9) }, "InvalidField"),
            ("nonce over 64 bits", CreateDatanet, new() { ["i"] = Datanet(i => i["nonce"] = "18446744073709551616") }, "InvalidField"),
            ("weights and contributions differ", "mutation($i: SettleAttributionIntent!) { typedData(settleAttribution: $i) { hash } }",
                new() { ["i"] = new JsonObject { ["from"] = from, ["inference"] = unknown, ["record"] = unknown, ["contributions"] = new JsonArray(unknown), ["weights"] = new JsonArray() } }, "InvalidField"),
            ("no attribution", "mutation($i: SettleAttributionIntent!) { typedData(settleAttribution: $i) { hash } }",
                new() { ["i"] = new JsonObject { ["from"] = from, ["inference"] = unknown, ["record"] = unknown, ["contributions"] = new JsonArray(), ["weights"] = new JsonArray() } }, "AttributionEmpty"),
            // Uploads the content store refuses.
            ("oversized upload", "mutation($b: String!) { uploadContent(base64: $b) { hash } }",
                new() { ["b"] = Convert.ToBase64String(new byte[GraphQLMarketplaceFixture.MaxContributionBytes + 1]) }, "ContributionTooLarge"),
            ("empty upload", "mutation { uploadContent(text: \"\") { hash } }", null, "InvalidField"),
        };

        foreach (var (what, query, variables, code) in cases)
        {
            var (status, body) = await PostAsync(query, variables);
            output.WriteLine($"{what}: {(int)status} {body.ToJsonString()}");
            var errors = body["errors"]?.AsArray();
            Assert.True(errors is { Count: > 0 }, $"{what}: no error: {body.ToJsonString()}");
            Assert.Equal(code, S(errors![0]!["extensions"]!["code"]));
        }

        // Unknown ids are not errors: null.
        var (_, none) = await PostAsync("query($id: Hash!) { datanet(id: $id) { id } contribution(id: $id) { id } model(id: $id) { id } inference(id: $id) { id } datanetVersion(id: $id) { id } content(hash: $id) { size } }",
            new JsonObject { ["id"] = unknown });
        Assert.Null(none["errors"]);
        Assert.All(none["data"]!.AsObject(), kv => Assert.Null(kv.Value));

        // Still serving, and a valid intent still works.
        using (var health = await node.Http.GetAsync(node.HealthUrl))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var (okStatus, ok) = await PostAsync(CreateDatanet, new JsonObject { ["i"] = Datanet() });
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Null(ok["errors"]);
        Assert.StartsWith("0x", S(ok["data"]!["typedData"]!["hash"]));
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string query, JsonNode? variables = null)
    {
        var payload = new JsonObject { ["query"] = query };
        if (variables is not null) payload["variables"] = variables;
        using var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) ?? throw new InvalidOperationException($"no JSON: {text}"));
    }

    /// <summary>Waits until the listener counts of <paramref name="streams"/> in the node's shared subscriptions are
    /// <paramref name="expected"/>, saying which were not when the wait fails.</summary>
    private Task ListenersAre(string awaited, params (StreamId Stream, int Expected)[] streams) =>
        Poll.UntilAsync(() => streams.All(s => node.Subscriptions.ListenerCount(s.Stream) == s.Expected), awaited,
            () =>
            {
                var wrong = streams.Select(s => (s.Stream, s.Expected, Count: node.Subscriptions.ListenerCount(s.Stream))).Where(s => s.Count != s.Expected).ToList();
                return $"{wrong.Count} of {streams.Length} streams off: " + string.Join(", ", wrong.Take(10).Select(s => $"{s.Stream} has {s.Count} listeners, want {s.Expected}"));
            });

    private static string S(JsonNode? n) => n!.GetValue<string>();

    private static int I(JsonNode? n) => n!.GetValue<int>();
}
