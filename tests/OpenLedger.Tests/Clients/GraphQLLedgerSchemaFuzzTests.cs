using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Tests.Fuzz;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// Queries built from the ledger's own schema (random fields, arguments at and past their edges, aliases, fragments,
/// directives, variables), and mutations of them, against a real node for a fixed time with a fixed seed: never a 500
/// nor an INTERNAL_SERVER_ERROR, every error coded, and the node still answers afterwards.
/// </summary>
public sealed class GraphQLLedgerSchemaFuzzTests(GraphQLNodeFixture node, ITestOutputHelper output) : IClassFixture<GraphQLNodeFixture>
{
    [Fact]
    public async Task Queries_built_from_the_ledger_schema_get_coded_answers_and_never_a_server_error()
    {
        var schema = node.Services.GetRequiredService<ISchema>();
        var documents = new SchemaDocuments(schema, seed: 2026, queriesOnly: true);
        var codes = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        var sent = 0;
        for (; sent < 2000 && DateTime.UtcNow < deadline; sent++)
        {
            var (query, variables, operationName) = documents.Next();
            if (documents.Random.Next(4) == 0) query = Mutate(query, documents.Random);
            var payload = new JsonObject
            {
                ["query"] = query,
                ["variables"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables)),
                ["operationName"] = operationName,
            };
            using var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text} for {query}");
            foreach (var error in JsonNode.Parse(text)!["errors"]?.AsArray() ?? [])
            {
                var code = error!["extensions"]?["code"]?.GetValue<string>();
                Assert.False(string.IsNullOrEmpty(code), $"uncoded {error.ToJsonString()} for {query}");
                Assert.True(code != "INTERNAL_SERVER_ERROR", $"{error.ToJsonString()} for {query} {payload["variables"]?.ToJsonString()}");
                codes[code!] = codes.GetValueOrDefault(code!) + 1;
            }
        }
        output.WriteLine($"{sent} documents; error codes: " + string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")));
        Assert.True(sent >= 20, $"only {sent} documents in the time budget");
        using var health = await node.Http.GetAsync(node.HealthUrl);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>
    /// Mutations built from the schema (typed data of every intent, raw and typed-data submissions with random values,
    /// the operator's mutations without the token) for a fixed time with a fixed seed: every error coded, no 500, and
    /// nothing changes: no transaction reaches the mempool or a block, no training job starts. Content uploads are left
    /// out: an upload of random text is a valid upload, not a rejected input.
    /// </summary>
    [Fact]
    public async Task Random_mutations_get_coded_answers_and_change_no_state()
    {
        var schema = node.Services.GetRequiredService<ISchema>();
        var documents = new SchemaDocuments(schema, seed: 1717, excludedFields: new HashSet<string> { "uploadContent" });
        async Task<JsonNode> Query(string query) =>
            JsonNode.Parse(await (await node.Http.PostAsync(node.GraphQLUrl, new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json")))
                .Content.ReadAsStringAsync())!["data"]!;
        const string State = "{ chain { headHeight } mempool { pending inFlight } trainingJobs(limit: 100) { id } }";
        var before = (await Query(State)).ToJsonString();

        var codes = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        var sent = 0;
        while (sent < 1500 && DateTime.UtcNow < deadline)
        {
            var (query, variables, operationName) = documents.Next();
            if (!query.StartsWith("mutation", StringComparison.Ordinal)) continue;
            sent++;
            var payload = new JsonObject
            {
                ["query"] = query,
                ["variables"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables)),
                ["operationName"] = operationName,
            };
            using var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text} for {query}");
            var body = JsonNode.Parse(text)!;
            foreach (var error in body["errors"]?.AsArray() ?? [])
            {
                var code = error!["extensions"]?["code"]?.GetValue<string>();
                Assert.False(string.IsNullOrEmpty(code), $"uncoded {error.ToJsonString()} for {query}");
                Assert.True(code != "INTERNAL_SERVER_ERROR", $"{error.ToJsonString()} for {query} {payload["variables"]?.ToJsonString()}");
                codes[code!] = codes.GetValueOrDefault(code!) + 1;
            }
        }
        // Signed-looking submissions: random bytes, and a properly signed transfer with one byte changed (body, nonce,
        // sender, signature): each is refused with the ledger's code.
        var key = node.Chain.Keys[0];
        var valid = node.Chain.Transfer(key, node.Chain.Keys[1].Address, OpenLedger.Core.Money.Wei.FromOpen(1), 0).Encode();
        var refusals = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            byte[] raw;
            if (i % 3 == 0) raw = System.Security.Cryptography.RandomNumberGenerator.GetBytes(documents.Random.Next(0, 400));
            else
            {
                raw = (byte[])valid.Clone();
                raw[documents.Random.Next(raw.Length)] ^= (byte)documents.Random.Next(1, 256);
            }
            var send = new JsonObject
            {
                ["query"] = "mutation($s: SignedTransactionInput!) { sendTransaction(signed: $s) { accepted errorCode } }",
                ["variables"] = new JsonObject { ["s"] = new JsonObject { ["raw"] = "0x" + Convert.ToHexStringLower(raw) } },
            };
            using var response = await node.Http.PostAsync(node.GraphQLUrl, new StringContent(send.ToJsonString(), Encoding.UTF8, "application/json"));
            var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["sendTransaction"]!;
            Assert.False(result["accepted"]!.GetValue<bool>(), $"accepted a changed transaction: 0x{Convert.ToHexStringLower(raw)}");
            var code = result["errorCode"]!.GetValue<string>();
            refusals[code] = refusals.GetValueOrDefault(code) + 1;
        }
        output.WriteLine("submissions refused: " + string.Join(", ", refusals.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")));

        output.WriteLine($"{sent} mutation documents; error codes: " + string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")));
        Assert.True(sent >= 20, $"only {sent} mutation documents in the time budget");
        Assert.Equal(before, (await Query(State)).ToJsonString());
    }

    /// <summary>One to three character edits: the near-misses a hand-written or truncated document makes.</summary>
    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var i = random.Next(1, 4); i > 0 && builder.Length > 0; i--)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0: builder.Remove(at, 1); break;
                case 1: builder.Insert(at, "{}()$!:.@\"#"[random.Next(11)]); break;
                default: builder[at] = (char)random.Next(32, 127); break;
            }
        }
        return builder.ToString();
    }
}
