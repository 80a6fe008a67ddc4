using OpenLedger.GraphQL.Transport.Tests.Hosting;

namespace OpenLedger.GraphQL.Transport.Tests.JsClients;

/// <summary>
/// The transports against the reference npm clients: graphql-ws's createClient for the WebSocket protocol, and
/// graphql-js's introspection round trip (getIntrospectionQuery, buildClientSchema, validateSchema) over HTTP.
/// </summary>
public sealed class JsClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly GraphQLTestServer _server = fixture.Server;

    [Fact]
    public async Task Graphql_ws_client_subscribes_queries_and_sees_errors()
    {
        var result = await NodeScript.RunAsync("subscribe-ticks.mjs", _server.WebSocketUri.ToString());
        Assert.Equal([0, 1, 2], result.GetProperty("ticks").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["Hello, graphql-ws!"], result.GetProperty("hello").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["GRAPHQL_VALIDATION_FAILED"], result.GetProperty("rejected").EnumerateArray().Select(e => e.GetString()));
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Graphql_js_rebuilds_a_valid_schema_from_introspection()
    {
        var result = await NodeScript.RunAsync("introspect.mjs", _server.HttpUri.ToString());
        Assert.True(result.TryGetProperty("validationErrors", out var errors), "introspection failed: " + result);
        Assert.Empty(errors.EnumerateArray());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.StartsWith("application/graphql-response+json", result.GetProperty("contentType").GetString());
        Assert.StartsWith("17.", result.GetProperty("graphqlVersion").GetString());
        Assert.Contains("hello", result.GetProperty("queryFields").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("echo", result.GetProperty("mutationFields").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("ticks", result.GetProperty("subscriptionFields").EnumerateArray().Select(e => e.GetString()));
    }
}
