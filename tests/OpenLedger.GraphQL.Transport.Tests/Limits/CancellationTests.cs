using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;
using OpenLedger.GraphQL.Transport.Tests.WebSockets;

namespace OpenLedger.GraphQL.Transport.Tests.Limits;

/// <summary>
/// Work stops when no one is waiting for it: a client that disconnects, or completes its WebSocket operation, cancels
/// the resolvers still running for it, long before the execution timeout would.
/// </summary>
public sealed class CancellationTests : IAsyncLifetime
{
    private GraphQLTestServer? _server;

    private GraphQLTestServer Server => _server!;

    public async Task InitializeAsync() => _server = await GraphQLTestServer.StartAsync(limits =>
    {
        GraphQLTestServer.TestLimits(limits);
        limits.ExecutionTimeout = TimeSpan.FromMinutes(5); // so only the client can be what stops the resolver
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task A_disconnected_HTTP_client_cancels_its_request()
    {
        var before = Server.Tracker.SlowCancelled;
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.PostAsync(Server.HttpUri, GraphQLRequests.Body("{ slow(ms: 60000) }")));
        Assert.True(await WaitAsync(() => Server.Tracker.SlowCancelled > before), "the resolver was not cancelled when the client went away");
    }

    [Fact]
    public async Task A_completed_WebSocket_operation_cancels_its_request()
    {
        var before = Server.Tracker.SlowCancelled;
        await using var client = await RawWebSocketClient.ConnectAndInitAsync(Server.WebSocketUri);
        await client.SubscribeAsync("q", "{ slow(ms: 60000) }");
        await Task.Delay(200);
        await client.CompleteAsync("q");
        Assert.True(await WaitAsync(() => Server.Tracker.SlowCancelled > before), "the resolver was not cancelled when the operation was completed");
        Assert.Empty(await client.PingAndCollectUntilPongAsync());
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        return condition();
    }
}
