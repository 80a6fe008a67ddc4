using System.Net;
using OpenLedger.GraphQL.Transport.Tests.Hosting;

namespace OpenLedger.GraphQL.Transport.Tests.Http;

/// <summary>The GraphQL-over-HTTP rules for choosing the response media type from Accept.</summary>
public sealed class MediaTypeNegotiationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Client = new();
    private readonly Uri _uri = fixture.Server.HttpUri;
    private static readonly string Hello = GraphQLRequests.Body("{ hello }");

    [Theory]
    [InlineData("application/graphql-response+json", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("application/json", GraphQLHttpResponse.Json)]
    [InlineData("application/graphql-response+json; charset=utf-8, application/json; charset=utf-8", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("application/graphql-response+json, application/json;q=0.9", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("application/json, application/graphql-response+json", GraphQLHttpResponse.Json)]
    [InlineData("application/json, application/graphql-response+json;q=0.5", GraphQLHttpResponse.Json)]
    [InlineData("application/json;q=0.5, application/graphql-response+json", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("*/*", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("application/*", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("text/html, */*;q=0.1", GraphQLHttpResponse.GraphQLResponseJson)]
    [InlineData("application/graphql-response+json;q=0, */*", GraphQLHttpResponse.Json)]
    [InlineData("application/json;charset=latin1, application/graphql-response+json;q=0.1", GraphQLHttpResponse.GraphQLResponseJson)]
    public async Task Accept_header_selects_the_response_media_type(string accept, string expected)
    {
        var response = await Client.PostAsync(_uri, Hello, accept);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.MediaType);
        Assert.Equal("utf-8", response.Message.Content.Headers.ContentType!.CharSet);
        Assert.Equal("Hello, world!", response.Data.GetProperty("hello").GetString());
    }

    [Fact]
    public async Task Missing_accept_is_answered_as_graphql_response_json_after_the_watershed()
    {
        var response = await Client.PostAsync(_uri, Hello, accept: null);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(GraphQLHttpResponse.GraphQLResponseJson, response.MediaType);
    }

    [Fact]
    public async Task Missing_accept_can_be_configured_to_legacy_application_json()
    {
        await using var legacy = await GraphQLTestServer.StartAsync(configureHttp: http => http.LegacyJsonWhenAcceptMissing = true);
        var response = await Client.PostAsync(legacy.HttpUri, Hello, accept: null);
        Assert.Equal(GraphQLHttpResponse.Json, response.MediaType);
        // A legacy client with a parse error still gets 200, as application/json requires.
        var parseError = await Client.PostAsync(legacy.HttpUri, GraphQLRequests.Body("{ hello"), accept: null);
        Assert.Equal(HttpStatusCode.OK, parseError.Status);
        Assert.Equal(["GRAPHQL_PARSE_FAILED"], parseError.ErrorCodes);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml, text/*")]
    [InlineData("application/graphql-response+json;charset=latin1")]
    [InlineData("application/json;q=0, application/graphql-response+json;q=0")]
    public async Task Accept_admitting_neither_type_is_406(string accept)
    {
        var response = await Client.PostAsync(_uri, Hello, accept);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.Status);
        Assert.Equal(["NOT_ACCEPTABLE"], response.ErrorCodes);
    }

    [Fact]
    public async Task Responses_vary_on_accept()
    {
        var response = await Client.PostAsync(_uri, Hello);
        Assert.Contains("Accept", response.Message.Headers.Vary);
    }
}
