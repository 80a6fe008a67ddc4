using System.Net.WebSockets;
using System.Text.Json;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using Xunit.Abstractions;

namespace OpenLedger.GraphQL.Transport.Tests.WebSockets;

/// <summary>Every rule and close code of graphql-transport-ws (graphql-ws's PROTOCOL.md), with a raw ClientWebSocket.</summary>
public sealed class ProtocolTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private readonly GraphQLTestServer _server = fixture.Server;

    [Fact]
    public async Task Init_is_acknowledged_and_ping_gets_pong()
    {
        await using var client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        Assert.Equal("graphql-transport-ws", client.SubProtocol);
        // Ping is allowed at any time, even before init.
        await client.SendAsync("""{"type":"ping","payload":{"at":1}}""");
        Assert.Equal("pong", (await client.ReceiveAsync()).Type());
        await client.SendAsync("""{"type":"connection_init","payload":{"token":"x"}}""");
        Assert.Equal("connection_ack", (await client.ReceiveAsync()).Type());
        // An unsolicited pong is a heartbeat and needs no answer.
        await client.SendAsync("""{"type":"pong"}""");
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
    }

    [Fact]
    public async Task No_init_within_the_timeout_closes_4408_and_init_in_time_is_kept()
    {
        await using var server = await GraphQLTestServer.StartAsync(limits =>
        {
            GraphQLTestServer.TestLimits(limits);
            limits.ConnectionInitTimeout = TimeSpan.FromSeconds(3); // roomy: the prompt client must make it even on a loaded machine
        });
        await using var silent = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await using var prompt = await RawWebSocketClient.ConnectAndInitAsync(server.WebSocketUri);

        var started = DateTime.UtcNow;
        Assert.Equal((4408, "Connection initialisation timeout"), await silent.ExpectCloseAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));

        await Task.Delay(TimeSpan.FromMilliseconds(300)); // the prompt client is now past the timeout too
        Assert.Empty(await prompt.PingAndCollectUntilPongAsync());
    }

    [Fact]
    public async Task Second_init_closes_4429()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SendAsync("""{"type":"connection_init"}""");
        Assert.Equal((4429, "Too many initialisation requests"), await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Subscribe_before_ack_closes_4401()
    {
        await using var client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri);
        await client.SubscribeAsync("1", "{ hello }");
        Assert.Equal((4401, "Unauthorized"), await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Duplicate_id_of_an_active_subscription_closes_4409()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("dup", "subscription { ticks(count: 1000, intervalMs: 50) }");
        await client.SubscribeAsync("dup", "subscription { ticks(count: 1000, intervalMs: 50) }");
        Assert.Equal((4409, "Subscriber for dup already exists"), await client.ExpectCloseAsync());
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(5)), "closing disposed the stream");
    }

    [Fact]
    public async Task A_completed_id_may_be_reused()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        for (var i = 0; i < 3; i++)
        {
            await client.SubscribeAsync("same", "{ hello }");
            Assert.Equal("next", (await client.ReceiveAsync()).Type());
            Assert.Equal("complete", (await client.ReceiveAsync()).Type());
        }
        await client.SubscribeAsync("sub", "subscription { ticks(count: 1000, intervalMs: 5) }");
        Assert.Equal("next", (await client.ReceiveAsync()).Type());
        await client.CompleteAsync("sub");
        await client.PingAndCollectUntilPongAsync();
        await client.SubscribeAsync("sub", "subscription { ticks(count: 1, intervalMs: 5) }");
        var after = await client.PingAndCollectUntilPongAsync();
        Assert.DoesNotContain(after, m => m.Type() == "error");
    }

    public static TheoryData<string> InvalidMessages => new()
    {
        "not json",
        "[]",
        "{}",
        """{"type":7}""",
        """{"type":"unknown"}""",
        """{"type":"connection_ack"}""",
        """{"type":"next","id":"1","payload":{}}""",
        """{"type":"subscribe","payload":{"query":"{ hello }"}}""",
        """{"type":"subscribe","id":"","payload":{"query":"{ hello }"}}""",
        """{"type":"subscribe","id":1,"payload":{"query":"{ hello }"}}""",
        """{"type":"subscribe","id":"1"}""",
        """{"type":"subscribe","id":"1","payload":{"query":5}}""",
        """{"type":"subscribe","id":"1","payload":{"query":"{ hello }","variables":[1]}}""",
        """{"type":"complete"}""",
        """{"type":"ping","payload":"x"}""",
    };

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Invalid_messages_close_4400(string message)
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SendAsync(message);
        var (code, reason) = await client.ExpectCloseAsync();
        Assert.Equal(4400, code);
        Assert.NotEmpty(reason);
    }

    [Fact]
    public async Task Binary_frames_close_4400()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SendAsync("""{"type":"ping"}"""u8.ToArray(), WebSocketMessageType.Binary);
        Assert.Equal(4400, (await client.ExpectCloseAsync()).Code);
    }

    [Fact]
    public async Task Messages_over_the_size_limit_close_1009()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        var query = "{ hello }" + new string(' ', 1024 * 1024 + 1);
        await client.SubscribeAsync("big", query);
        Assert.Equal(1009, (await client.ExpectCloseAsync()).Code);
    }

    [Theory]
    [InlineData("graphql-ws")]
    [InlineData("something-else")]
    public async Task Wrong_subprotocol_is_closed_4406(string protocol)
    {
        await using var client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri, protocol);
        Assert.Null(client.SubProtocol);
        Assert.Equal((4406, "Subprotocol not acceptable"), await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task No_subprotocol_is_closed_4406()
    {
        await using var client = await RawWebSocketClient.ConnectAsync(_server.WebSocketUri, []);
        Assert.Equal(4406, (await client.ExpectCloseAsync()).Code);
    }

    [Fact]
    public async Task Query_and_mutation_give_one_next_then_complete()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("q", "query($n: String) { hello(name: $n) }", new { n = "ws" });
        var next = await client.ReceiveAsync();
        Assert.Equal(("next", "q"), (next.Type(), next.Id()));
        Assert.Equal("Hello, ws!", next.GetProperty("payload").GetProperty("data").GetProperty("hello").GetString());
        var complete = await client.ReceiveAsync();
        Assert.Equal(("complete", "q"), (complete.Type(), complete.Id()));

        await client.SubscribeAsync("m", "mutation { echo(message: \"over ws\") }");
        next = await client.ReceiveAsync();
        Assert.Equal("over ws", next.GetProperty("payload").GetProperty("data").GetProperty("echo").GetString());
        Assert.Equal("complete", (await client.ReceiveAsync()).Type());
    }

    [Fact]
    public async Task Field_errors_travel_in_next_with_their_codes()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("e", "{ hello missingAccount }");
        var next = await client.ReceiveAsync();
        Assert.Equal("next", next.Type());
        var payload = next.GetProperty("payload");
        Assert.Equal("Hello, world!", payload.GetProperty("data").GetProperty("hello").GetString());
        Assert.Equal("ACCOUNT_NOT_FOUND", payload.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("complete", (await client.ReceiveAsync()).Type());
    }

    [Theory]
    [InlineData("{ nope }", "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("{ hello", "GRAPHQL_PARSE_FAILED")]
    [InlineData("subscription { nope }", "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("subscription { deep }", "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("{ deep { children { children { children { children { level } } } } } }", "MAX_COMPLEXITY_EXCEEDED")]
    public async Task Request_errors_are_an_error_message_without_complete(string query, string code)
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("bad", query);
        var error = await client.ReceiveAsync();
        Assert.Equal(("error", "bad"), (error.Type(), error.Id()));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("payload").ValueKind);
        Assert.Equal(code, error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Empty(await client.PingAndCollectUntilPongAsync()); // no complete follows an error
    }

    [Fact]
    public async Task Subscription_streams_each_event_as_next_then_complete()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("t", "subscription { ticks(count: 3, intervalMs: 10) }");
        for (var i = 0; i < 3; i++)
        {
            var next = await client.ReceiveAsync();
            Assert.Equal(("next", "t"), (next.Type(), next.Id()));
            Assert.Equal(i, next.GetProperty("payload").GetProperty("data").GetProperty("ticks").GetInt32());
        }
        Assert.Equal(("complete", "t"), ((await client.ReceiveAsync()).Type(), "t"));
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_failing_stream_ends_with_an_error_message()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("f", "subscription { failingTicks(count: 2) }");
        var messages = new List<JsonElement>();
        while (true)
        {
            var message = await client.ReceiveAsync();
            messages.Add(message);
            if (message.Type() is "error" or "complete") break;
        }
        output.WriteLine(string.Join("\n", messages));
        // GraphQL.NET passes the source's OnError on as the response stream's OnError: the protocol's "error".
        Assert.Equal(["next", "next", "error"], messages.Select(m => m.Type()));
        Assert.Equal([0, 1], messages.Take(2).Select(m => m.GetProperty("payload").GetProperty("data").GetProperty("failingTicks").GetInt32()));
        Assert.Equal("TICKER_BROKE", messages[^1].GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
    }

    [Fact]
    public async Task Client_complete_disposes_the_stream_and_stops_events()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.SubscribeAsync("c", "subscription { ticks(count: 100000, intervalMs: 2) }");
        Assert.Equal("next", (await client.ReceiveAsync()).Type());
        await client.CompleteAsync("c");
        // Events already on the wire may arrive before the pong; none may arrive after it.
        var beforePong = await client.PingAndCollectUntilPongAsync();
        Assert.All(beforePong, m => Assert.Equal("next", m.Type()));
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
        await Task.Delay(100);
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
    }

    [Fact]
    public async Task Complete_for_an_unknown_id_is_ignored()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        await client.CompleteAsync("never-started");
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
    }

    [Fact]
    public async Task Too_many_subscriptions_fail_that_operation_and_keep_the_connection()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        for (var i = 0; i < 5; i++)
            await client.SubscribeAsync($"s{i}", "subscription { ticks(count: 100000, intervalMs: 1000) }");
        await client.SubscribeAsync("s5", "subscription { ticks(count: 100000, intervalMs: 1000) }");
        var error = (await client.PingAndCollectUntilPongAsync()).Single();
        Assert.Equal(("error", "s5"), (error.Type(), error.Id()));
        Assert.Equal("MAX_SUBSCRIPTIONS_EXCEEDED", error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());

        // Completing one frees a slot.
        await client.CompleteAsync("s0");
        await client.SubscribeAsync("s5", "{ hello }");
        var next = await client.ReceiveAsync();
        Assert.Equal(("next", "s5"), (next.Type(), next.Id()));
        Assert.Equal(("complete", "s5"), ((await client.ReceiveAsync()).Type(), "s5"));
    }

    [Fact]
    public async Task A_vanished_client_leaves_no_stream_or_operation_behind()
    {
        var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        for (var i = 0; i < 3; i++)
            await client.SubscribeAsync($"a{i}", "subscription { ticks(count: 100000, intervalMs: 5) }");
        await client.ReceiveAsync();
        client.Abort(); // no complete, no close frame: the TCP connection just goes away
        await client.DisposeAsync();
        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(5)), $"live streams: {_server.Tracker.Live}");
        await WaitUntil(() => _server.Counters.OpenWebSocketConnections == 0 && _server.Counters.ActiveWebSocketOperations == 0);
    }

    [Fact]
    public async Task Concurrent_streams_and_pings_never_interleave_frames()
    {
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
        for (var i = 0; i < 3; i++)
            await client.SubscribeAsync($"p{i}", "subscription { ticks(count: 200, intervalMs: 1) }");
        var pings = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++) await client.SendAsync("""{"type":"ping"}""");
        });
        int nexts = 0, completes = 0, pongs = 0;
        while (completes < 3 || pongs < 200)
        {
            var message = await client.ReceiveAsync(); // each one parses as a whole JSON message
            switch (message.Type())
            {
                case "next": nexts++; break;
                case "complete": completes++; break;
                case "pong": pongs++; break;
                default: throw new Xunit.Sdk.XunitException("unexpected " + message);
            }
        }
        await pings;
        Assert.Equal(600, nexts);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }
}
