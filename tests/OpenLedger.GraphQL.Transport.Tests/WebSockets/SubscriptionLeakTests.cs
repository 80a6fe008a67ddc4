using System.Diagnostics;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using Xunit.Abstractions;

namespace OpenLedger.GraphQL.Transport.Tests.WebSockets;

[CollectionDefinition(nameof(SoloCollection), DisableParallelization = true)]
public sealed class SoloCollection;

/// <summary>
/// 10,000 subscribe/complete cycles must leave nothing behind on the server: no undisposed source observable, no
/// registered operation, and no memory that grows with the number of cycles. Runs alone so the process-wide memory
/// figure is not disturbed by other tests.
/// </summary>
[Collection(nameof(SoloCollection))]
public sealed class SubscriptionLeakTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const string Ticks = "subscription { ticks(count: 1000000, intervalMs: 1) }";
    private readonly GraphQLTestServer _server = fixture.Server;

    [Fact]
    public async Task Ten_thousand_subscribe_complete_cycles_leave_no_live_streams()
    {
        const int connections = 4, total = 10_000;

        await RunCyclesAsync(connections, 1_000); // warm-up: JIT, pools, first-use caches
        var baseline = SettledMemory();
        var subscribedBefore = _server.Tracker.Subscribed;

        var stopwatch = Stopwatch.StartNew();
        await RunCyclesAsync(connections, total);
        stopwatch.Stop();

        Assert.True(await _server.Tracker.WaitForNoLiveStreamsAsync(TimeSpan.FromSeconds(10)), $"live streams: {_server.Tracker.Live}");
        Assert.Equal(0, _server.Counters.ActiveWebSocketOperations);
        var subscribed = _server.Tracker.Subscribed - subscribedBefore;
        var after = SettledMemory();
        output.WriteLine($"{total} cycles in {stopwatch.Elapsed.TotalSeconds:0.0} s; streams subscribed {subscribed}; managed heap {baseline / 1e6:0.0} MB -> {after / 1e6:0.0} MB");

        // Every cycle that reached the source subscribed it once, and every one was disposed (Live == 0 above).
        Assert.InRange(subscribed, total / 2, total);
        // Retaining even 1 KB per cycle would add 10 MB; allow noise well below that.
        Assert.True(after - baseline < 8_000_000, $"managed heap grew by {(after - baseline) / 1e6:0.0} MB over {total} cycles");
    }

    /// <summary>
    /// Cycles spread over a few connections. Half wait for the first event before completing (the stream is live);
    /// half complete straight after subscribing (the complete races the execution that sets the stream up).
    /// </summary>
    private async Task RunCyclesAsync(int connections, int total)
    {
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            await using var client = await RawWebSocketClient.ConnectAndInitAsync(_server.WebSocketUri);
            for (var i = 0; i < total / connections; i++)
            {
                var id = $"{c}-{i}";
                await client.SubscribeAsync(id, Ticks);
                if (i % 2 == 0)
                {
                    // Events of earlier ids may still be in flight (sent before the server saw their complete).
                    while (true)
                    {
                        var message = await client.ReceiveAsync();
                        Assert.Equal("next", message.Type());
                        if (message.Id() == id) break;
                    }
                    await client.CompleteAsync(id);
                }
                else
                {
                    await client.CompleteAsync(id);
                }
                // Occasionally make sure everything before was processed, and drain stray events.
                if (i % 100 == 99) await client.PingAndCollectUntilPongAsync();
            }
            await client.PingAndCollectUntilPongAsync();
        }));
    }

    private static long SettledMemory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
