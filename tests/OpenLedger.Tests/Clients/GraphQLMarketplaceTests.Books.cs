using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Clients;

/// <summary>The books on a real node: a datanet owner's statement shows the contribution fees it earned and the stake
/// forfeited to it, the contributor's shows the forfeit as a memo, the datanet's statement sums its business, and
/// chain { totalSupply held } match the committed state.</summary>
public sealed partial class GraphQLMarketplaceTests
{
    [Fact]
    public async Task A_datanet_owners_statement_shows_its_fees_and_forfeits_and_the_supply_and_held_match_the_state()
    {
        var (owner, contributor) = (node.Chain.Keys[6], node.Chain.Keys[7]);
        using var client = new LedgerClient(node.GraphQLUrl);
        var feePerKb = new Wei(2_000_000_000_000_000);
        var stake = new Wei(100_000_000_000_000_000);
        async Task<Hash32> Ok(ITxBody body, PrivateKey key)
        {
            var sent = await client.SendAsync(body, key);
            Assert.True(sent.Succeeded, $"{body.Kind}: {sent.View}");
            return sent.Hash;
        }
        var datanet = await Ok(new CreateDatanet("books", "fees and forfeits", ["books"], "MIT", TaskKind.Text, feePerKb, stake, ForfeitRule.Owner, []), owner);
        var from = (await client.GetTransactionAsync(datanet)).BlockHeight!.Value;
        var contributions = new List<Hash32>();
        foreach (var text in new[] { "The ledger keeps every wei in its books.", "A second text, to be rejected by the owner." })
        {
            var stored = await client.UploadAsync(Encoding.UTF8.GetBytes(text));
            contributions.Add(await Ok(new Contribute(datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size), contributor));
        }
        await Ok(new Curate(contributions[0], true, "good"), owner);
        await Ok(new Curate(contributions[1], false, "off topic"), owner);

        const string Statement = "statement(fromHeight: $from, first: 100) { fromHeight toHeight in out net openingBalance closingBalance lineCount " +
                                 "totals { kind role flow amount count } lines { kind flow amount from to datanet contribution } }";
        var (_, ownerBody) = await PostAsync($"query($a: Address!, $from: Long) {{ {Statement.Replace("statement(", "statement(address: $a, ")} account(address: $a) {{ balance }} }}",
            new JsonObject { ["a"] = owner.Address.ToString(), ["from"] = from });
        Assert.True(ownerBody["errors"] is null, ownerBody.ToJsonString());
        var s = ownerBody["data"]!["statement"]!;
        string Total(JsonNode st, string kind, string flow) =>
            st["totals"]!.AsArray().Where(t => S(t!["kind"]) == kind && S(t["flow"]) == flow).Select(t => S(t!["amount"])).SingleOrDefault() ?? "0";
        Assert.Equal((feePerKb + feePerKb).ToString(), Total(s, "CONTRIBUTION_FEE", "IN"));
        Assert.Equal(stake.ToString(), Total(s, "STAKE_FORFEITED", "IN"));
        Assert.NotEqual("0", Total(s, "GAS", "OUT"));
        // The statement explains the balance: opening + in - out = closing = the account's balance.
        Assert.Equal(S(ownerBody["data"]!["account"]!["balance"]), S(s["closingBalance"]));
        Assert.Equal(BigInteger.Parse(S(s["closingBalance"])), BigInteger.Parse(S(s["openingBalance"])) + BigInteger.Parse(S(s["net"])));
        Assert.Equal(BigInteger.Parse(S(s["in"])) - BigInteger.Parse(S(s["out"])), BigInteger.Parse(S(s["net"])));
        Assert.Contains(s["lines"]!.AsArray(), l => S(l!["kind"]) == "STAKE_FORFEITED" && S(l["contribution"]) == contributions[1].ToString() && l["from"] is null);

        // The contributor paid the fees and both stakes, got one back, and sees the other's forfeit as a memo.
        var (_, contributorBody) = await PostAsync($"query($a: Address!, $from: Long) {{ {Statement.Replace("statement(", "statement(address: $a, ")} }}",
            new JsonObject { ["a"] = contributor.Address.ToString(), ["from"] = from });
        var c = contributorBody["data"]!["statement"]!;
        Assert.Equal((feePerKb + feePerKb).ToString(), Total(c, "CONTRIBUTION_FEE", "OUT"));
        Assert.Equal((stake + stake).ToString(), Total(c, "STAKE_LOCKED", "OUT"));
        Assert.Equal(stake.ToString(), Total(c, "STAKE_RETURNED", "IN"));
        Assert.Equal(stake.ToString(), Total(c, "STAKE_FORFEITED", "MEMO"));

        // The datanet's own statement: its fees, stakes locked, returned and forfeited.
        var (_, datanetBody) = await PostAsync("query($id: Hash!) { datanet(id: $id) { statement { totals { kind flow amount count } lineCount } } }",
            new JsonObject { ["id"] = datanet.ToString() });
        var d = datanetBody["data"]!["datanet"]!["statement"]!;
        Assert.Equal((feePerKb + feePerKb).ToString(), Total(d, "CONTRIBUTION_FEE", "MOVED"));
        Assert.Equal((stake + stake).ToString(), Total(d, "STAKE_LOCKED", "MOVED"));
        Assert.Equal(stake.ToString(), Total(d, "STAKE_FORFEITED", "MOVED"));
        Assert.Equal(6, I(d["lineCount"]));

        // The supply and what the marketplace holds, as the committed state says (read at the same head).
        for (int attempt = 0; ; attempt++)
        {
            var (_, chainBody) = await PostAsync("{ chain { headHeight totalSupply held { escrow stake total asOfHeight } } }");
            var chain = chainBody["data"]!["chain"]!;
            var (state, head) = await node.Ledger.Store.LoadStateAsync();
            if (head.Height != chain["held"]!["asOfHeight"]!.GetValue<long>() && attempt < 5) continue;
            Assert.Equal(state.TotalSupply().ToString(System.Globalization.CultureInfo.InvariantCulture), S(chain["totalSupply"]));
            Assert.Equal(state.Market.Held.ToString(), S(chain["held"]!["total"]));
            Assert.Equal(BigInteger.Parse(S(chain["held"]!["total"])), BigInteger.Parse(S(chain["held"]!["escrow"])) + BigInteger.Parse(S(chain["held"]!["stake"])));
            break;
        }

        // Bad input gets stable codes.
        var head2 = (await client.GetChainAsync()).HeadHeight;
        var bad = new (string Query, string Code)[]
        {
            ($"{{ statement(address: \"{owner.Address}\", fromHeight: 5, toHeight: 4) {{ in }} }}", "BAD_RANGE"),
            ($"{{ statement(address: \"{owner.Address}\", fromHeight: -1) {{ in }} }}", "BAD_RANGE"),
            ($"{{ statement(address: \"{owner.Address}\", toHeight: {head2 + 1000}) {{ in }} }}", "BAD_RANGE"),
            ($"{{ statement(address: \"{owner.Address}\", first: 0) {{ in }} }}", "INVALID_PAGE_SIZE"),
            ($"{{ statement(address: \"{owner.Address}\", first: 501) {{ in }} }}", "INVALID_PAGE_SIZE"),
            ($"{{ statement(address: \"{owner.Address}\", offset: -1) {{ in }} }}", "INVALID_PAGE_SIZE"),
            ("{ statement(address: \"0x1234\") { in } }", "GRAPHQL_VALIDATION_FAILED"),
        };
        foreach (var (query, code) in bad)
        {
            var (_, body) = await PostAsync(query);
            Assert.True(body["errors"] is JsonArray { Count: > 0 }, $"{query}: {body.ToJsonString()}");
            Assert.Equal(code, S(body["errors"]![0]!["extensions"]!["code"]));
        }
    }
}
