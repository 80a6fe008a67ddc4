using System.Net;
using System.Text.Json;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;
using Xunit.Abstractions;

namespace OpenLedger.GraphQL.Transport.Tests.Fuzz;

/// <summary>
/// GraphQL documents built from the schema (<see cref="SchemaDocuments"/>), and mutations of them, thrown at the
/// gateway for a fixed time with a fixed seed: every answer has a spec status (never 500), every error carries an
/// <c>extensions.code</c> (and none is INTERNAL_SERVER_ERROR), the server logs no error and keeps serving.
/// </summary>
public sealed class DocumentFuzzTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Documents_built_from_the_schema_get_coded_answers_and_never_a_server_error()
    {
        var server = fixture.Server;
        var schema = server.Services.GetRequiredService<ISchema>();
        // slow waits for seconds by design; the timeout has its own tests.
        var documents = new SchemaDocuments(schema, seed: 4242, excludedFields: new HashSet<string> { "slow" });
        var mutations = new FuzzInputs(99);
        var codes = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var sent = 0;
        for (; sent < 2000 && DateTime.UtcNow < deadline; sent++)
        {
            var (query, variables, operationName) = documents.Next();
            if (documents.Random.Next(4) == 0) query = mutations.Mutate(query);
            var response = await Client.PostAsync(server.HttpUri, GraphQLRequests.Body(query, variables, operationName));
            Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{response} for {query}");
            foreach (var error in response.Errors)
            {
                var code = error.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("code", out var c) ? c : default;
                Assert.True(code.ValueKind == JsonValueKind.String, $"uncoded error {error} for {query}");
                var text = code.GetString()!;
                Assert.True(text != "INTERNAL_SERVER_ERROR", $"{error} for {query} {JsonSerializer.Serialize(variables)}");
                codes[text] = codes.GetValueOrDefault(text) + 1;
            }
        }
        output.WriteLine($"{sent} documents; error codes: " + string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}")));
        Assert.True(sent >= 50, $"only {sent} documents in the time budget");
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(server.HttpUri, GraphQLRequests.Body("{ hello }"))).Status);
        Assert.True(server.ServerErrors.Count == 0, server.ServerErrors.Samples);
    }
}
