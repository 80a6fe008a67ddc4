using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;
using OpenLedger.GraphQL.Transport.Tests.WebSockets;
using Xunit.Abstractions;

namespace OpenLedger.GraphQL.Transport.Tests.Fuzz;

/// <summary>
/// Throws random bytes, random JSON and near-miss requests and frames at both transports. The server must answer
/// every HTTP request with one of the spec's status codes (never 500), close bad sockets with a protocol close code,
/// log no errors, leak no streams, and keep serving valid requests throughout. Seeded, bounded in count and time.
/// </summary>
public sealed class TransportFuzzTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly HttpStatusCode[] AllowedStatuses =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotAcceptable,
        HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType,
        // Kestrel's own limits, before the request reaches the endpoint (a GET with a huge query string).
        HttpStatusCode.RequestUriTooLong, HttpStatusCode.RequestHeaderFieldsTooLarge,
    ];

    // Protocol close codes, plus what .NET's WebSocket itself sends for frames it cannot accept
    // (1007 invalid UTF-8 in a text frame, 1002 protocol error).
    private static readonly int[] AllowedCloseCodes = [1000, 1002, 1007, 1009, 4400, 4401, 4406, 4409, 4429];

    private static readonly string?[] Accepts =
        [null, "application/graphql-response+json", "application/json", "*/*", "text/html", "application/json;q=abc", ";;,,", "*/*;q=0", "a/b;q=1;q=0, /, */"];

    private static readonly string?[] ContentTypes =
        [null, "application/json", "application/json; charset=utf-8", "text/plain", "application/json; charset=utf-16", "garbage", "application/graphql-response+json"];

    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly GraphQLTestServer _server = fixture.Server;

    [Fact]
    public async Task Http_fuzz_never_breaks_the_server()
    {
        var fuzz = new FuzzInputs(20261128);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(12);
        var sent = 0;
        for (; sent < 3000 && DateTime.UtcNow < deadline; sent++)
        {
            using var request = BuildRequest(fuzz);
            using var response = await Client.SendAsync(request);
            Assert.Contains(response.StatusCode, AllowedStatuses);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            await AssertEveryErrorHasACode(response);
            if (sent % 200 == 0) await AssertStillServes();
        }
        output.WriteLine($"{sent} requests: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}x{s.Value}")));
        await AssertStillServes();
        Assert.True(_server.ServerErrors.Count == 0, _server.ServerErrors.Samples);
    }

    [Fact]
    public async Task WebSocket_fuzz_never_breaks_the_server()
    {
        var fuzz = new FuzzInputs(1717);
        var closes = new Dictionary<int, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(12);
        var sessions = 0;
        for (; sessions < 400 && DateTime.UtcNow < deadline; sessions++)
        {
            var code = await RunSessionAsync(fuzz);
            if (code is { } c)
            {
                Assert.Contains(c, AllowedCloseCodes);
                closes[c] = closes.GetValueOrDefault(c) + 1;
            }
            if (sessions % 50 == 0) await AssertStillServesOverWebSocket();
        }
        output.WriteLine($"{sessions} sessions; server closes: " + string.Join(", ", closes.OrderBy(c => c.Key).Select(c => $"{c.Key}x{c.Value}")));

        await AssertStillServesOverWebSocket();
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(10)), $"live streams: {_server.Tracker.Live}");
        var deadlineCounters = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((_server.Counters.OpenWebSocketConnections != 0 || _server.Counters.ActiveWebSocketOperations != 0) && DateTime.UtcNow < deadlineCounters)
            await Task.Delay(20);
        Assert.Equal(0, _server.Counters.OpenWebSocketConnections);
        Assert.Equal(0, _server.Counters.ActiveWebSocketOperations);
        Assert.True(_server.ServerErrors.Count == 0, _server.ServerErrors.Samples);
    }

    private HttpRequestMessage BuildRequest(FuzzInputs fuzz)
    {
        var random = fuzz.Random;
        var roll = random.Next(100);
        HttpRequestMessage request;
        if (roll < 25)
        {
            // GET with random parameters
            var parameters = new List<(string, string)>();
            if (random.Next(6) != 0) parameters.Add(("query", fuzz.Query()));
            if (random.Next(3) == 0) parameters.Add(("variables", random.Next(2) == 0 ? fuzz.Serialize(fuzz.Json(2)) : fuzz.Mutate("{\"n\":1}")));
            if (random.Next(4) == 0) parameters.Add(("operationName", fuzz.Pick(["Q", "", "nope"])));
            if (random.Next(8) == 0) parameters.Add(("query", "{ hello }"));
            if (random.Next(8) == 0) parameters.Add(("extensions", fuzz.Mutate("{}")));
            request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(_server.HttpUri) { Query = GraphQLRequests.Query([.. parameters]) }.Uri);
        }
        else if (roll < 30)
        {
            request = new HttpRequestMessage(fuzz.Pick([HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options]), _server.HttpUri);
        }
        else
        {
            byte[] body = random.Next(10) switch
            {
                0 => fuzz.Bytes(3000),
                1 => Encoding.UTF8.GetBytes(fuzz.DeepJson()),
                2 or 3 => Encoding.UTF8.GetBytes(fuzz.Serialize(fuzz.Json(4))),
                4 => Encoding.UTF8.GetBytes(fuzz.Mutate(fuzz.Serialize(fuzz.RequestLike()))),
                _ => Encoding.UTF8.GetBytes(fuzz.Serialize(fuzz.RequestLike())),
            };
            if (random.Next(150) == 0) body = new byte[1024 * 1024 + random.Next(1, 5000)];
            request = new HttpRequestMessage(HttpMethod.Post, _server.HttpUri) { Content = new ByteArrayContent(body) };
            var contentType = random.Next(4) == 0 ? fuzz.Pick(ContentTypes) : "application/json";
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        var accept = random.Next(3) == 0 ? fuzz.Pick(Accepts) : "application/graphql-response+json";
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    private static async Task AssertEveryErrorHasACode(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0 && (int)response.StatusCode is 414 or 431) return; // Kestrel's own answer, no body
        using var document = JsonDocument.Parse(text);
        if (!document.RootElement.TryGetProperty("errors", out var errors)) return;
        foreach (var error in errors.EnumerateArray())
            Assert.Equal(JsonValueKind.String, error.GetProperty("extensions").GetProperty("code").ValueKind);
    }

    /// <summary>One connection that receives a few random frames; returns the server's close code, if it closed.</summary>
    private async Task<int?> RunSessionAsync(FuzzInputs fuzz)
    {
        var random = fuzz.Random;
        RawWebSocketClient client;
        if (random.Next(20) == 0)
            client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri, fuzz.Pick(["graphql-ws", "x", "graphql-transport-ws"]));
        else
            client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await using var _ = client;
        try
        {
            if (random.Next(4) != 0) await client.SendAsync("""{"type":"connection_init"}""");
            for (var i = random.Next(1, 8); i > 0; i--)
            {
                if (client.Socket.State != WebSocketState.Open) break;
                switch (random.Next(10))
                {
                    case 0: await client.SendAsync(fuzz.Bytes(200), WebSocketMessageType.Text); break;
                    case 1: await client.SendAsync(fuzz.Bytes(200), WebSocketMessageType.Binary); break;
                    case 2: await client.SendAsync(fuzz.Serialize(fuzz.Json(3))); break;
                    case 3: await client.SendAsync(fuzz.DeepJson()); break;
                    case 4: await client.SendAsync(fuzz.Mutate(SubscribeMessage(fuzz))); break;
                    case 5: await client.CompleteAsync(fuzz.Pick(["1", "2", "x"])); break;
                    case 6: await client.SendAsync(fuzz.Serialize(new Dictionary<string, object?> { ["type"] = fuzz.Pick(["ping", "pong", "connection_init", "next", "error", "complete", "subscribe", "PING"]), ["id"] = fuzz.Json(0), ["payload"] = fuzz.Json(2) })); break;
                    default: await client.SendAsync(SubscribeMessage(fuzz)); break;
                }
            }
            // Either the server closed the socket, or it is alive and answers a ping.
            if (client.Socket.State == WebSocketState.Open) await client.SendAsync("""{"type":"ping"}""");
            while (true)
            {
                var (message, close) = await client.ReceiveOrCloseAsync(TimeSpan.FromSeconds(5));
                if (close is { } c) return c.Code;
                if (message!.Value.Type() == "pong") return null;
            }
        }
        catch (WebSocketException)
        {
            // The server closed while we were still sending: fine, as long as it keeps serving others.
            return null;
        }
    }

    private static string SubscribeMessage(FuzzInputs fuzz) => fuzz.Serialize(new Dictionary<string, object?>
    {
        ["type"] = "subscribe",
        ["id"] = fuzz.Pick(["1", "2", "3"]),
        ["payload"] = fuzz.RequestLike(),
    });

    private async Task AssertStillServes()
    {
        var response = await Client.PostAsync(_server.HttpUri, GraphQLRequests.Body("{ hello }"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    private async Task AssertStillServesOverWebSocket()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("ok", "subscription { ticks(count: 2, intervalMs: 1) }");
        var messages = await CollectUntilComplete(client);
        Assert.Equal(["next", "next", "complete"], messages.Select(m => m.Type()));
    }

    private static async Task<List<JsonElement>> CollectUntilComplete(RawWebSocketClient client)
    {
        var messages = new List<JsonElement>();
        while (true)
        {
            var message = await client.ReceiveAsync();
            messages.Add(message);
            if (message.Type() is "complete" or "error") return messages;
        }
    }
}
