using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Tests.Clients;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Web;

/// <summary>The crypto the browser runs (web/src: EIP-712 digests, the dev keys, their signatures), bundled from the
/// app's sources by tests/web/crypto-check.mjs and compared with ethers 6 and with the node: the digest of the node's
/// typed data of every transaction kind, so a dev account can sign any of them (the marketplace pages will).</summary>
public sealed class WebAppCryptoTests(WebAppNodeFixture node) : IClassFixture<WebAppNodeFixture>
{
    [Fact]
    public async Task The_apps_eip712_digests_dev_keys_and_signatures_match_ethers_and_the_node_for_every_kind()
    {
        var keys = node.Chain.Keys;
        // One intent per kind (the marketplace's shared samples, a non-ASCII datanet name) and a transfer.
        var intents = new Dictionary<string, JsonObject>
        {
            ["transfer"] = new() { ["to"] = keys[2].Address.ToString(), ["amount"] = "1250000000000000000" },
        };
        foreach (var (kind, intent) in MarketIntentSamples.OneOfEachKind(keys[3].Address, "naïve ✓ 数据")) intents[kind] = intent;
        var jsons = new JsonArray();
        var nodeHashes = new List<string>();
        foreach (var (argument, intent) in intents)
        {
            intent["from"] = keys[1].Address.ToString();
            var type = char.ToUpperInvariant(argument[0]) + argument[1..] + "Intent";
            using var r = await node.Http.PostAsJsonAsync(new Uri(node.BaseUrl, "/graphql"), new
            {
                query = $"mutation($i: {type}!) {{ typedData({argument}: $i) {{ json hash }} }}",
                variables = new JsonObject { ["i"] = intent },
            });
            var body = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            Assert.True(body["errors"] is null, $"{argument}: {body.ToJsonString()}");
            jsons.Add(body["data"]!["typedData"]!["json"]!.GetValue<string>());
            nodeHashes.Add(body["data"]!["typedData"]!["hash"]!.GetValue<string>());
        }

        var result = await NodeJs.RunAsync(Path.Combine(WebAppNodeFixture.RepositoryRoot, "tests", "web"), "crypto-check.mjs",
            new JsonObject { ["seed"] = DevChain.Seed, ["count"] = 10, ["typedData"] = jsons }, TimeSpan.FromSeconds(60));

        var digests = result["eip712"]!.AsArray();
        Assert.Equal(intents.Count + 1, digests.Count); // a synthetic document with every EIP-712 type, then the node's
        foreach (var d in digests)
            Assert.True(d!["app"]!.GetValue<string>() == d["ethers"]!.GetValue<string>(), d.ToJsonString());
        for (var i = 0; i < nodeHashes.Count; i++)
            Assert.Equal(nodeHashes[i], digests[i + 1]!["app"]!.GetValue<string>(), ignoreCase: true);

        foreach (var k in result["devKeys"]!.AsArray())
        {
            var expected = DevChain.Account(DevChain.Seed, k!["index"]!.GetValue<int>()).Address.ToString();
            Assert.Equal(expected, k["app"]!.GetValue<string>());
            Assert.Equal(expected, k["ethers"]!.GetValue<string>());
        }
        foreach (var s in result["signatures"]!.AsArray())
        {
            Assert.Equal(s!["expected"]!.GetValue<string>(), s["recovered"]!.GetValue<string>());
            Assert.True(s["lowS"]!.GetValue<bool>(), s.ToJsonString());
        }
    }
}
