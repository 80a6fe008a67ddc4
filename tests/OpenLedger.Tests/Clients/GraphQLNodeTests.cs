using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Core.Money;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>The node's GraphQL gateway driven by real npm clients (graphql-js, graphql-ws over ws, ethers 6) and by
/// plain HTTP: a wallet's full transfer round trip, schema introspection, and bad input that must not hurt the node.</summary>
public sealed class GraphQLNodeTests(GraphQLNodeFixture node, ITestOutputHelper output) : IClassFixture<GraphQLNodeFixture>
{
    // The documents the tests (here and in tests/js-graphql/ledger-ethers-flow.mjs) send; introspection validates them all.
    private const string Balances = "query Balances($from: Address!, $to: Address!) { sender: account(address: $from) { address balance nonce nextNonce } recipient: account(address: $to) { address balance } }";
    private const string TypedData = "mutation TypedData($t: TransferIntent!) { typedData(transfer: $t) { json hash primaryType } }";
    private const string Send = "mutation Send($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted hash errorCode errorMessage } }";
    private const string BlocksSub = "subscription Blocks { blocks { height hash transactionHashes } }";
    private const string TxSub = "subscription Tx($h: Hash!) { transaction(hash: $h) { hash status blockHeight index receipt { succeeded fee gasUsed } } }";
    private const string TxQuery = "query Tx($h: Hash!) { transaction(hash: $h) { status blockHeight receipt { succeeded fee gasUsed } block { height hash } } }";
    private const string Chain = "{ chain { chainId headHeight gasPriceFloor dev } mempool { pending } }";
    private const string Account = "query A($a: Address!) { account(address: $a) { balance nonce } }";
    // A block's transactions are a page (Transaction.block leads back to them, so the cost analyzer must see each level).
    private const string BlockTransactions = "query B($h: Long!, $after: String) { block(height: $h) { transactionCount transactions(first: 10, after: $after) { totalCount nodes { hash index inclusionProof { root } } pageInfo { hasNextPage endCursor } } } }";

    private static readonly string[] Documents = [Balances, TypedData, Send, BlocksSub, TxSub, TxQuery, Chain, Account, BlockTransactions];

    [Fact]
    public async Task GraphQL_js_rebuilds_a_valid_schema_by_introspection_and_the_tests_documents_validate()
    {
        var result = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "ledger-introspect.mjs",
            new JsonObject { ["url"] = node.GraphQLUrl.ToString(), ["documents"] = new JsonArray(Documents.Select(d => (JsonNode)d).ToArray()) },
            TimeSpan.FromSeconds(30));

        Assert.Empty(result["schemaErrors"]!.AsArray());
        var documentErrors = result["documentErrors"]!.AsArray();
        Assert.Equal(Documents.Length, documentErrors.Count);
        for (int i = 0; i < Documents.Length; i++)
            Assert.True(documentErrors[i]!.AsArray().Count == 0, $"{Documents[i]}: {documentErrors[i]!.ToJsonString()}");
        Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
        var subscriptions = result["subscriptionFields"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Contains("blocks", subscriptions);
        Assert.Contains("transaction", subscriptions);

        // A document the schema does not have fails validation (the check is real).
        var bad = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "ledger-introspect.mjs",
            new JsonObject { ["url"] = node.GraphQLUrl.ToString(), ["documents"] = new JsonArray("{ chain { nope } }") }, TimeSpan.FromSeconds(30));
        Assert.False(bad["ok"]!.GetValue<bool>());
        Assert.NotEmpty(bad["documentErrors"]![0]!.AsArray());
    }

    [Fact]
    public async Task An_ethers_wallet_signs_the_nodes_typed_data_and_follows_the_transfer_to_commit_over_graphql_ws()
    {
        var sender = node.Chain.Keys[0];
        var recipient = node.Chain.Keys[1].Address;
        var amount = Wei.FromOpen(3) + new Wei(12_345);

        var r = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "ledger-ethers-flow.mjs", new JsonObject
        {
            ["url"] = node.GraphQLUrl.ToString(),
            ["wsUrl"] = node.WebSocketUrl.ToString(),
            ["privateKey"] = sender.ToHex(),
            ["to"] = recipient.ToString(),
            ["amount"] = amount.ToString(),
        }, TimeSpan.FromSeconds(45));
        output.WriteLine(r.ToJsonString());

        var hash = r["hash"]!.GetValue<string>();
        // The node's digest is the one ethers computes for the same typed data, and it is the transaction's hash.
        Assert.Equal(r["typedDataHash"]!.GetValue<string>(), r["ethersHash"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(r["typedDataHash"]!.GetValue<string>(), hash, ignoreCase: true);
        Assert.Equal(sender.Address.ToString(), r["from"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(r["send"]!["accepted"]!.GetValue<bool>(), r["send"]!.ToJsonString());

        // transaction(hash): the status now, then COMMITTED, then the stream completed.
        var statuses = r["statuses"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Equal("COMMITTED", statuses[^1]);
        Assert.Single(statuses, s => s == "COMMITTED");
        Assert.True(r["transactionCompleted"]!.GetValue<bool>());
        var height = r["final"]!["blockHeight"]!.GetValue<long>();
        Assert.True(r["final"]!["receipt"]!["succeeded"]!.GetValue<bool>());

        // blocks: delivered the transaction's block, with the transaction in it.
        Assert.Empty(r["blocksErrors"]!.AsArray());
        var heights = r["blockHeights"]!.AsArray().Select(h => h!.GetValue<long>()).ToList();
        Assert.NotEmpty(heights);
        Assert.Contains(height, heights);
        Assert.Contains(r["blockTxHashes"]![height.ToString()]!.AsArray(), h => string.Equals(h!.GetValue<string>(), hash, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(heights.OrderBy(h => h), heights); // in commit order

        // Balances: the recipient gained exactly the amount; the sender paid amount + the receipt's fee.
        var fee = BigInteger.Parse(r["fee"]!.GetValue<string>());
        Assert.True(fee > 0);
        Assert.Equal(r["final"]!["receipt"]!["fee"]!.GetValue<string>(), r["fee"]!.GetValue<string>());
        var a = BigInteger.Parse(amount.ToString());
        Assert.Equal(a, Big(r["after"]!["to"]) - Big(r["before"]!["to"]));
        Assert.Equal(a + fee, Big(r["before"]!["from"]) - Big(r["after"]!["from"]));
        Assert.Equal(Big(r["before"]!["nonce"]) + 1, Big(r["after"]!["nonce"]));
    }

    [Fact]
    public async Task Bad_input_over_HTTP_gets_coded_errors_and_the_node_keeps_serving()
    {
        // Malformed JSON body: 400 with a coded error.
        using (var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent("{\"query\": \"{ chain { chainId } ", Encoding.UTF8, "application/json")))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
            output.WriteLine($"malformed JSON: {(int)response.StatusCode} {text}");
            var body = JsonNode.Parse(text)!;
            Assert.False(string.IsNullOrEmpty(body["errors"]![0]!["extensions"]?["code"]?.GetValue<string>()), text);
        }

        // An invalid Address argument: a GraphQL error with a code, no data.
        var (_, invalid) = await PostAsync("{ account(address: \"0x1234\") { balance } }");
        Assert.False(string.IsNullOrEmpty(invalid["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>()), invalid.ToJsonString());
        output.WriteLine($"invalid Address: {invalid.ToJsonString()}");
        Assert.Null(invalid["data"]?["account"]);

        // The same through a variable.
        var (_, invalidVar) = await PostAsync(Account, new JsonObject { ["a"] = "not-an-address" });
        Assert.False(string.IsNullOrEmpty(invalidVar["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>()), invalidVar.ToJsonString());

        // A raw envelope that is not a transaction: not accepted, MalformedTransaction.
        var (_, malformed) = await PostAsync(Send, new JsonObject { ["s"] = new JsonObject { ["raw"] = "0x01" } });
        Assert.Null(malformed["errors"]);
        Assert.False(malformed["data"]!["sendTransaction"]!["accepted"]!.GetValue<bool>());
        Assert.Equal("MalformedTransaction", malformed["data"]!["sendTransaction"]!["errorCode"]!.GetValue<string>());

        // A replayed signed transaction: rejected while pending (DuplicateTransaction) and after commit (NonceTooLow).
        var key = node.Chain.Keys[2];
        var (_, account) = await PostAsync(Account, new JsonObject { ["a"] = key.Address.ToString() });
        var nonce = ulong.Parse(account["data"]!["account"]!["nonce"]!.GetValue<string>());
        var raw = "0x" + Convert.ToHexString(node.Chain.Transfer(key, node.Chain.Keys[3].Address, Wei.FromOpen(1), nonce).Encode()).ToLowerInvariant();
        var sendRaw = new JsonObject { ["s"] = new JsonObject { ["raw"] = raw } };
        var (_, first) = await PostAsync(Send, sendRaw);
        Assert.True(first["data"]!["sendTransaction"]!["accepted"]!.GetValue<bool>(), first.ToJsonString());
        var hash = first["data"]!["sendTransaction"]!["hash"]!.GetValue<string>();

        var (_, again) = await PostAsync(Send, sendRaw.DeepClone());
        Assert.False(again["data"]!["sendTransaction"]!["accepted"]!.GetValue<bool>(), again.ToJsonString());
        Assert.Contains(again["data"]!["sendTransaction"]!["errorCode"]!.GetValue<string>(), new[] { "NonceTooLow", "DuplicateTransaction" });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string? status = null;
        while (DateTime.UtcNow < deadline)
        {
            var (_, tx) = await PostAsync(TxQuery, new JsonObject { ["h"] = hash });
            status = tx["data"]?["transaction"]?["status"]?.GetValue<string>();
            if (status == "COMMITTED") break;
            await Task.Delay(100);
        }
        Assert.Equal("COMMITTED", status);
        var (_, replay) = await PostAsync(Send, sendRaw.DeepClone());
        output.WriteLine($"replay while pending: {again.ToJsonString()}; after commit: {replay.ToJsonString()}");
        Assert.False(replay["data"]!["sendTransaction"]!["accepted"]!.GetValue<bool>(), replay.ToJsonString());
        Assert.Contains(replay["data"]!["sendTransaction"]!["errorCode"]!.GetValue<string>(), new[] { "NonceTooLow", "DuplicateTransaction" });

        // Still serving.
        using (var health = await node.Http.GetAsync(node.HealthUrl))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var (code, chain) = await PostAsync(Chain);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal((long)node.Chain.Rules.ChainId, chain["data"]!["chain"]!["chainId"]!.GetValue<long>());
        Assert.True(chain["data"]!["chain"]!["dev"]!.GetValue<bool>()); // the test chain is a dev chain; clients check before using dev keys
    }

    [Fact]
    public async Task Blocks_page_newest_first_and_cursors_walk_back_to_genesis()
    {
        var heights = new List<long>();
        string? after = null;
        for (int page = 0; page < 1000; page++)
        {
            var (status, body) = await PostAsync(
                "query P($after: String) { blocks(first: 2, after: $after) { totalCount nodes { height } edges { cursor node { height } } pageInfo { hasNextPage endCursor } } }",
                new JsonObject { ["after"] = after });
            Assert.Equal(HttpStatusCode.OK, status);
            var blocks = body["data"]!["blocks"]!;
            var nodes = blocks["nodes"]!.AsArray().Select(n => n!["height"]!.GetValue<long>()).ToList();
            Assert.Equal(nodes, blocks["edges"]!.AsArray().Select(e => e!["node"]!["height"]!.GetValue<long>()).ToList());
            heights.AddRange(nodes);
            if (!blocks["pageInfo"]!["hasNextPage"]!.GetValue<bool>()) break;
            after = blocks["pageInfo"]!["endCursor"]!.GetValue<string>();
        }
        // Newest first, contiguous, ending at genesis.
        Assert.Equal(0, heights[^1]);
        Assert.Equal(Enumerable.Range(0, heights.Count).Select(i => heights[0] - i), heights);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string query, JsonNode? variables = null)
    {
        var payload = new JsonObject { ["query"] = query };
        if (variables is not null) payload["variables"] = variables;
        using var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) ?? throw new InvalidOperationException($"no JSON: {text}"));
    }

    private static BigInteger Big(JsonNode? n) => BigInteger.Parse(n!.GetValue<string>());
}
