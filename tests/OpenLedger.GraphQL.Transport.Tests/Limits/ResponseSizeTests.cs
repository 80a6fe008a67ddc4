using System.Net;
using System.Text.Json;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;
using OpenLedger.GraphQL.Transport.Tests.WebSockets;

namespace OpenLedger.GraphQL.Transport.Tests.Limits;

/// <summary>
/// A response larger than <see cref="GraphQLLimits.MaxResponseBytes"/> is answered with one RESPONSE_TOO_LARGE error
/// and no data, over HTTP and WebSocket alike, whether large values announced their size while resolving or the
/// serialised response turned out too large.
/// </summary>
public sealed class ResponseSizeTests : IAsyncLifetime
{
    private const int MaxResponseBytes = 4 * 1024;
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private GraphQLTestServer? _server;

    private GraphQLTestServer Server => _server!;

    public async Task InitializeAsync() => _server = await GraphQLTestServer.StartAsync(limits =>
    {
        GraphQLTestServer.TestLimits(limits);
        limits.MaxResponseBytes = MaxResponseBytes;
        limits.ExecutionTimeout = TimeSpan.FromSeconds(30); // these tests are about size, not time: room for a loaded machine
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private const string Many = "{ page(first: 100) { nodes { level pair { level pair { level } } } } }";

    [Fact]
    public async Task Large_values_past_the_cap_are_refused_with_a_code_instead_of_the_data()
    {
        // Three 2 KiB values: each alone fits, together they do not; the third charge stops the request.
        var response = await Client.PostAsync(Server.HttpUri, GraphQLRequests.Body("{ a: blob(kb: 2) b: blob(kb: 2) c: blob(kb: 2) }"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["RESPONSE_TOO_LARGE"], response.ErrorCodes);
        Assert.Equal(JsonValueKind.Null, response.Data.ValueKind);

        var fits = await Client.PostAsync(Server.HttpUri, GraphQLRequests.Body("{ a: blob(kb: 1) b: blob(kb: 1) }"));
        Assert.Equal(HttpStatusCode.OK, fits.Status);
        Assert.Empty(fits.Errors);
        Assert.Equal(1024, fits.Data.GetProperty("b").GetString()!.Length);
    }

    [Fact]
    public async Task A_serialised_response_past_the_cap_is_refused_even_when_no_value_is_large()
    {
        // 700 small objects, about 11 KB of JSON: nothing charged while resolving, too large once serialised.
        var response = await Client.PostAsync(Server.HttpUri, GraphQLRequests.Body(Many));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["RESPONSE_TOO_LARGE"], response.ErrorCodes);
        Assert.Equal(JsonValueKind.Null, response.Data.ValueKind);
        Assert.True(response.Message.Content.Headers.ContentLength < 1024);
    }

    [Fact]
    public async Task Over_WebSocket_the_next_payload_carries_the_error_and_the_operation_completes()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(Server.WebSocketUri);
        await client.SubscribeAsync("big", Many);
        var next = await client.ReceiveAsync();
        Assert.Equal("next", next.Type());
        var payload = next.GetProperty("payload");
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("data").ValueKind);
        Assert.Equal("RESPONSE_TOO_LARGE", payload.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("complete", (await client.ReceiveAsync()).Type());

        // The connection goes on serving.
        await client.SubscribeAsync("small", "{ hello }");
        Assert.Equal("next", (await client.ReceiveAsync()).Type());
    }
}
