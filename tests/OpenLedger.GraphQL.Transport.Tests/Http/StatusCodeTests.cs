using System.Net;
using System.Text;
using OpenLedger.GraphQL.Transport.Tests.Hosting;

namespace OpenLedger.GraphQL.Transport.Tests.Http;

/// <summary>
/// Status codes and error codes of GraphQL over HTTP, under both response media types: request errors are 400 under
/// application/graphql-response+json and 200 under application/json, malformed requests are 4xx under both.
/// </summary>
public sealed class StatusCodeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Modern = GraphQLHttpResponse.GraphQLResponseJson;
    private const string Legacy = GraphQLHttpResponse.Json;
    private static readonly HttpClient Client = new();
    private readonly Uri _uri = fixture.Server.HttpUri;

    [Fact]
    public async Task Post_query_with_variables_and_operation_name()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body(
            "query A($n: String) { hello(name: $n) } query B { hello }", new { n = "ledger" }, "A"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Hello, ledger!", response.Data.GetProperty("hello").GetString());
        Assert.Empty(response.Errors);
    }

    [Fact]
    public async Task Post_mutation()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("mutation { echo(message: \"hi\") }"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("hi", response.Data.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task Get_query_with_variables()
    {
        var response = await Client.GetAsync(_uri, GraphQLRequests.Query(
            ("query", "query($n: String) { hello(name: $n) }"), ("variables", "{\"n\":\"get\"}"), ("operationName", "")));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Hello, get!", response.Data.GetProperty("hello").GetString());
    }

    [Theory]
    [InlineData(Modern)]
    [InlineData(Legacy)]
    public async Task Get_mutation_is_405_allow_post(string accept)
    {
        var response = await Client.GetAsync(_uri, GraphQLRequests.Query(("query", "mutation { echo(message: \"x\") }")), accept);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal(["POST"], response.Message.Content.Headers.Allow);
        Assert.Equal(["METHOD_NOT_ALLOWED"], response.ErrorCodes);
        // The operation name decides: the query of a mixed document may be fetched over GET.
        var query = await Client.GetAsync(_uri, GraphQLRequests.Query(
            ("query", "mutation M { echo(message: \"x\") } query Q { hello }"), ("operationName", "Q")), accept);
        Assert.Equal(HttpStatusCode.OK, query.Status);
    }

    [Fact]
    public async Task Other_methods_are_405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _uri) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        var response = await GraphQLHttpResponse.ReadAsync(await Client.SendAsync(request));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal(["GET", "POST"], response.Message.Content.Headers.Allow.Order());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/graphql")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task Unsupported_content_type_is_415(string? contentType)
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ hello }"), contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal(["UNSUPPORTED_MEDIA_TYPE"], response.ErrorCodes);
    }

    [Fact]
    public async Task Json_content_type_with_utf8_charset_is_accepted()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ hello }"), contentType: "application/json; charset=UTF-8");
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData(Modern, true)]
    [InlineData(Legacy, true)]
    [InlineData(Modern, false)]
    [InlineData(Legacy, false)]
    public async Task Body_over_the_limit_is_413_with_or_without_content_length(string accept, bool withContentLength)
    {
        var padding = new string(' ', 1024 * 1024 + 10);
        var body = Encoding.UTF8.GetBytes("{\"query\":\"{ hello }\"" + padding + "}");
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri);
        HttpContent content = withContentLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Content = content;
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await GraphQLHttpResponse.ReadAsync(await Client.SendAsync(request));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal(["PAYLOAD_TOO_LARGE"], response.ErrorCodes);
        Assert.False(response.HasData);
    }

    [Fact]
    public async Task Body_just_under_the_limit_is_served()
    {
        var padding = new string(' ', 1024 * 1024 - 40);
        var response = await Client.PostAsync(_uri, "{\"query\":\"{ hello }\"" + padding + "}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("NONSENSE")]
    [InlineData("{\"query\":")]
    [InlineData("[{\"query\":\"{ hello }\"}]")]
    [InlineData("\"{ hello }\"")]
    [InlineData("{\"qeury\":\"{ hello }\"}")]
    [InlineData("{\"query\":null}")]
    [InlineData("{\"query\":42}")]
    [InlineData("{\"query\":\"{ hello }\",\"variables\":[7]}")]
    [InlineData("{\"query\":\"{ hello }\",\"variables\":\"{}\"}")]
    [InlineData("{\"query\":\"{ hello }\",\"operationName\":7}")]
    [InlineData("{\"query\":\"{ hello }\",\"extensions\":true}")]
    [InlineData("")]
    public async Task Malformed_requests_are_400_under_both_media_types(string body)
    {
        foreach (var accept in new[] { Modern, Legacy })
        {
            var response = await Client.PostAsync(_uri, body, accept);
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal(accept, response.MediaType);
            Assert.Equal(["BAD_REQUEST"], response.ErrorCodes);
            Assert.False(response.HasData);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("variables=%5B7%5D&query=%7Bhello%7D")]
    [InlineData("query=%7Bhello%7D&query=%7Bhello%7D")]
    [InlineData("query=%7Bhello%7D&variables=nope")]
    public async Task Malformed_get_requests_are_400(string queryString)
    {
        var response = await Client.GetAsync(_uri, queryString);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["BAD_REQUEST"], response.ErrorCodes);
    }

    [Fact]
    public async Task Null_optional_parameters_mean_absent_and_unknown_ones_are_ignored()
    {
        var response = await Client.PostAsync(_uri,
            "{\"query\":\"{ hello }\",\"variables\":null,\"operationName\":null,\"extensions\":null,\"future\":1}");
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    public static TheoryData<string, string> RequestErrors => new()
    {
        { GraphQLRequests.Body("{ hello"), "GRAPHQL_PARSE_FAILED" },
        { GraphQLRequests.Body(""), "GRAPHQL_PARSE_FAILED" },
        { GraphQLRequests.Body("{ nope }"), "GRAPHQL_VALIDATION_FAILED" },
        { GraphQLRequests.Body("query($n: Int!) { hello }", new { n = 1 }), "GRAPHQL_VALIDATION_FAILED" },
        { GraphQLRequests.Body("query($m: String!) { hello(name: $m) }", new { m = (string?)null }), "GRAPHQL_VALIDATION_FAILED" },
        { GraphQLRequests.Body("query A { hello } query B { hello }"), "NO_OPERATION_NAME" },
        { GraphQLRequests.Body("query A { hello }", operationName: "B"), "INVALID_OPERATION_NAME" },
        { GraphQLRequests.Body("{ deep { next { next { next { next { next { next { next { next { next { next { next { next { next { next { level } } } } } } } } } } } } } } } }"), "MAX_DEPTH_EXCEEDED" },
        { GraphQLRequests.Body("{ deep { children { children { children { children { level } } } } } }"), "MAX_COMPLEXITY_EXCEEDED" },
        { GraphQLRequests.Body("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"), "MAX_DEPTH_EXCEEDED" },
        { GraphQLRequests.Body("{ __type(name: \"Deep\") { ...F } } fragment F on __Type { fields { type { interfaces { possibleTypes { name } } } } }"), "MAX_DEPTH_EXCEEDED" },
        { GraphQLRequests.Body("subscription { ticks(count: 1, intervalMs: 1) }"), "OPERATION_NOT_SUPPORTED" },
        { GraphQLRequests.Body(new string('{', 5000)), "GRAPHQL_PARSE_FAILED" },
    };

    [Theory]
    [MemberData(nameof(RequestErrors))]
    public async Task Request_errors_are_400_as_graphql_response_json_and_200_as_json(string body, string code)
    {
        var modern = await Client.PostAsync(_uri, body, Modern);
        Assert.Equal(HttpStatusCode.BadRequest, modern.Status);
        Assert.Equal(Modern, modern.MediaType);
        Assert.False(modern.HasData, "a request error has no data entry");
        Assert.Contains(code, modern.ErrorCodes);

        var legacy = await Client.PostAsync(_uri, body, Legacy);
        Assert.Equal(HttpStatusCode.OK, legacy.Status);
        Assert.Equal(Legacy, legacy.MediaType);
        Assert.False(legacy.HasData);
        Assert.Contains(code, legacy.ErrorCodes);
    }

    [Fact]
    public async Task Validation_errors_keep_the_rule_that_failed()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ nope }"));
        var extensions = response.Errors.Single().GetProperty("extensions");
        Assert.Equal("FIELDS_ON_CORRECT_TYPE", extensions.GetProperty("rule").GetString());
        Assert.True(response.Errors.Single().TryGetProperty("locations", out _));
    }

    [Fact]
    public async Task Introspection_nesting_the_recursive_lists_twice_is_allowed()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ __schema { types { name fields { type { fields { name } } } } } }"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Limits_are_not_hit_by_ordinary_queries()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ deep { next { next { level } } children { level } } }"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(3, response.Data.GetProperty("deep").GetProperty("next").GetProperty("next").GetProperty("level").GetInt32());
    }

    [Theory]
    [InlineData(Modern)]
    [InlineData(Legacy)]
    public async Task Field_errors_are_200_with_data_and_keep_the_application_code(string accept)
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("{ hello missingAccount uncoded }"), accept);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Hello, world!", response.Data.GetProperty("hello").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.Data.GetProperty("missingAccount").ValueKind);
        Assert.Equal(["ACCOUNT_NOT_FOUND", "EXECUTION_FAILED"], response.ErrorCodes.Order());
    }

    [Theory]
    [InlineData(Modern)]
    [InlineData(Legacy)]
    public async Task Execution_timeout_cancels_the_resolver_and_answers_200_with_null_data(string accept)
    {
        await using var server = await GraphQLTestServer.StartAsync(GraphQLTestServer.ShortTimeout);
        var started = DateTime.UtcNow;
        var response = await Client.PostAsync(server.HttpUri, GraphQLRequests.Body("{ slow(ms: 20000) }"), accept);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the 1 s execution timeout must stop a 20 s resolver");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.HasData);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.Data.ValueKind);
        Assert.Equal(["TIMEOUT"], response.ErrorCodes);
        Assert.True(server.Tracker.SlowCancelled > 0, "the resolver saw its cancellation token fire");
    }

    [Fact]
    public async Task No_errors_are_logged_by_the_server()
    {
        await Client.PostAsync(_uri, GraphQLRequests.Body("{ hello }"));
        Assert.True(fixture.Server.ServerErrors.Count == 0, fixture.Server.ServerErrors.Samples);
    }

    /// <summary>A body stream that hides its length, so HttpClient sends it chunked (no Content-Length).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
