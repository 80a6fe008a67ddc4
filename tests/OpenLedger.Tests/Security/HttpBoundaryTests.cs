using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Tests.Clients;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Security;

/// <summary>
/// The node's HTTP face as the operator's browser and strangers meet it: administration only with the operator's
/// token, pages of other sites refused (WebSocket and plain requests), host names other than the node's refused
/// (DNS rebinding). Programs that send no Origin (ethers, graphql-ws in Node, curl) are not affected: the other
/// client tests prove it.
/// </summary>
public sealed class HttpBoundaryTests(GraphQLNodeFixture fx) : IClassFixture<GraphQLNodeFixture>
{
    private static readonly string Datanet = "0x" + new string('1', 64);

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string query, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fx.GraphQLUrl)
        {
            Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        headers?.Invoke(request.Headers);
        using var response = await fx.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text)! : new JsonObject());
    }

    private static string? Code(JsonNode body) => body["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>();

    [Theory]
    [InlineData("mutation { startTrainingJob(input: { datanet: \"DATANET\", steps: 10 }) { id } }")]
    [InlineData("mutation { cancelTrainingJob(id: \"DATANET\") { id } }")]
    [InlineData("mutation { loadAdapter(adapter: \"DATANET\") { adapter } }")]
    [InlineData("mutation { pinAdapter(adapter: \"DATANET\") { adapter } }")]
    [InlineData("mutation { unpinAdapter(adapter: \"DATANET\") { adapter } }")]
    [InlineData("mutation { unloadAdapter(adapter: \"DATANET\") { adapter } }")]
    public async Task Administration_is_refused_without_the_operator_token_and_answered_with_it(string mutation)
    {
        mutation = mutation.Replace("DATANET", Datanet, StringComparison.Ordinal);
        var (_, anonymous) = await PostAsync(mutation);
        Assert.Equal("OPERATOR_REQUIRED", Code(anonymous));
        var (_, wrong) = await PostAsync(mutation, h => h.Authorization = new AuthenticationHeaderValue("Bearer", new string('0', 64)));
        Assert.Equal("OPERATOR_REQUIRED", Code(wrong));
        // With the token the grains answer (this id names nothing, so with their own code).
        var (_, withToken) = await PostAsync(mutation, h => h.Authorization = new AuthenticationHeaderValue("Bearer", fx.OperatorToken));
        Assert.NotEqual("OPERATOR_REQUIRED", Code(withToken));
        Assert.NotNull(Code(withToken));
    }

    [Fact]
    public async Task The_dashboard_and_metrics_are_the_operator_s_and_a_browser_signs_in_once()
    {
        foreach (var path in new[] { "/dashboard/", "/metrics" })
        {
            using var refused = await fx.Http.GetAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}{path}"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("OPERATOR_REQUIRED", Code(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!));
        }

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        using var badSignIn = await browser.GetAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}/dashboard?token={new string('0', 64)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, badSignIn.StatusCode);
        using var signIn = await browser.GetAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}/dashboard?token={fx.OperatorToken}"));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var setCookie = string.Join(";", signIn.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        using var dashboard = await browser.GetAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("null")]
    public async Task A_page_of_another_site_can_neither_query_nor_open_a_WebSocket(string origin)
    {
        var (status, body) = await PostAsync("{ chain { chainId } }", h => h.Add("Origin", origin));
        Assert.Equal((HttpStatusCode.Forbidden, "ORIGIN_NOT_ALLOWED"), (status, Code(body)));

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(fx.GraphQLUrl + "?query=%7Bchain%7BchainId%7D%7D"));
        get.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var getResponse = await fx.Http.SendAsync(get);
        Assert.Equal(HttpStatusCode.Forbidden, getResponse.StatusCode);

        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        ws.Options.SetRequestHeader("Origin", origin);
        ws.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ws.ConnectAsync(fx.WebSocketUrl, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, ws.HttpStatusCode);
    }

    [Fact]
    public async Task The_node_s_own_pages_and_programs_without_an_origin_are_served()
    {
        var (own, body) = await PostAsync("{ chain { chainId } }", h => h.Add("Origin", $"http://127.0.0.1:{fx.HttpPort}"));
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.Equal(fx.Chain.Rules.ChainId, body["data"]!["chain"]!["chainId"]!.GetValue<ulong>());

        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        ws.Options.SetRequestHeader("Origin", $"http://localhost:{fx.HttpPort}");
        await ws.ConnectAsync(new Uri($"ws://localhost:{fx.HttpPort}/graphql"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, ws.State);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebound.attacker.example:8080")]
    public async Task A_request_naming_another_host_is_refused(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fx.GraphQLUrl)
        {
            Content = new StringContent("""{"query":"{ chain { chainId } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = host;
        using var response = await fx.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var dashboard = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{fx.HttpPort}/dashboard/"));
        dashboard.Headers.Host = host;
        dashboard.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.OperatorToken);
        using var dashboardResponse = await fx.Http.SendAsync(dashboard);
        Assert.Equal(HttpStatusCode.BadRequest, dashboardResponse.StatusCode);
    }
}
