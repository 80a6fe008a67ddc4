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
