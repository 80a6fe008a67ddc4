using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Concurrency;
using Orleans.Serialization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using Orleans.Runtime;
using Orleans.Streams;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;

namespace OpenLedger.Tests.Streams;

/// <summary>The relay publishes a block's events only to the "market" streams someone listens to: an explicit
/// subscription (the gateway's) or an implicit subscriber grain. Listeners keep getting every event, in order; a stream
/// nobody listens to gets nothing. Runs on the same real one-silo cluster as <see cref="MarketStreamTests"/>, where
/// <see cref="RewardsProbeGrain"/> subscribes implicitly to every rewards stream.</summary>
public class MarketRelayTests(MarketStreamClusterFixture fx) : IClassFixture<MarketStreamClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string NewId(int bytes = 32) => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static MarketEventMessage Event(long height, int sequence, string kind, string subject, string? datanet = null, string? party = null) =>
        new(height, sequence, sequence, kind, subject, party, party is null ? null : "7", datanet, null, null, null, null, NewId(), 1_700_000_000_000 + height);

    private MarketStreamAudience Audience() =>
        MarketStreamAudience.Of(fx.Cluster.Silos[0].ServiceProvider) ?? throw new Xunit.Sdk.XunitException("the silo's stream pub/sub was not found");

    [Fact]
    public async Task A_stream_is_listened_to_once_subscribed_and_a_namespace_with_an_implicit_subscriber_always_is()
    {
        var audience = Audience();
        var datanet = MarketStreams.DatanetStream(NewId());
        Assert.False(await audience.HasListenersAsync(datanet));
        await using var subs = new MarketEventSubscriptions(fx.Client);
        await using (await subs.SubscribeAsync(datanet, _ => Task.CompletedTask))
            Assert.True(await audience.HasListenersAsync(datanet));
        // The test assembly's RewardsProbeGrain subscribes implicitly to the rewards namespace: every payee is listened to.
        Assert.True(await audience.HasListenersAsync(MarketStreams.RewardsStream(NewId(20))));
    }

    [Fact]
    public async Task With_an_audience_listeners_get_every_event_in_order_and_silent_streams_get_none()
    {
        var publisher = new MarketEventPublisher(fx.Client.GetStreamProvider(MarketStreams.ProviderName), audience: Audience());
        await using var subs = new MarketEventSubscriptions(fx.Client);
        string heard = NewId(), silent = NewId(), party = NewId(20);
        var inbox = new List<MarketEventMessage>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = Enumerable.Range(0, 300).Select(i => i % 3 == 2
            ? Event(90, i, MarketEventKinds.RewardCredited, NewId(), party: party)
            : Event(90, i, MarketEventKinds.ContributionAdded, NewId(), datanet: i % 3 == 0 ? heard : silent)).ToList();
        var expected = events.Where(e => e.Datanet == heard).ToList();
        await using var l = await subs.SubscribeAsync(MarketStreams.DatanetStream(heard), e =>
        {
            lock (inbox)
            {
                inbox.Add(e);
                if (inbox.Count == expected.Count) all.TrySetResult();
            }
            return Task.CompletedTask;
        });

        Assert.Equal(0, await publisher.PublishAsync(events));
        Assert.Equal(1, publisher.StreamsSkipped); // the silent datanet's; the payee's has its implicit subscriber

        await all.Task.WaitAsync(Timeout);
        lock (inbox) Assert.Equal(expected, inbox);
        var credits = events.Where(e => e.Party == party).ToList();
        Assert.Equal(credits, await fx.Client.GetGrain<IRewardsProbeGrain>(party).WaitForAsync(credits.Count, Timeout));

        // A witness subscribed straight on Orleans to the silent stream from now on: the next block reaches it.
        var witness = new TaskCompletionSource<MarketEventMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = await fx.Client.GetStreamProvider(MarketStreams.ProviderName).GetStream<MarketEventMessage>(MarketStreams.DatanetStream(silent))
            .SubscribeAsync((e, _) => { witness.TrySetResult(e); return Task.CompletedTask; });
        var next = Event(91, 0, MarketEventKinds.VersionPublished, silent, datanet: silent);
        Assert.Equal(0, await publisher.PublishAsync([next]));
        Assert.Equal(next, await witness.Task.WaitAsync(Timeout));
        await handle.UnsubscribeAsync();
    }

    [Fact]
    public async Task The_relay_grain_delivers_each_block_to_its_listeners_in_order()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var inbox = new List<MarketEventMessage>();
        var blocks = Enumerable.Range(0, 3).Select(b => Enumerable.Range(0, 50)
            .Select(i => Event(100 + b, i, MarketEventKinds.ContributionAdded, NewId(), datanet: i % 2 == 0 ? datanet : NewId())).ToList()).ToList();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waitingFor = 0;
        await using var l = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanet), e =>
        {
            lock (inbox)
            {
                inbox.Add(e);
                if (inbox.Count == waitingFor) arrived.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var relay = fx.Client.GetGrain<IMarketRelayGrain>(0);
        // Block after block, as the producer sends them (one-way calls from an outside client may overtake each other
        // while the relay's address is being resolved; the producer's come an interval apart, or back to back from one grain).
        var expected = new List<MarketEventMessage>();
        foreach (var block in blocks)
        {
            expected.AddRange(block.Where(e => e.Datanet == datanet));
            lock (inbox)
            {
                waitingFor = expected.Count;
                arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            await relay.PublishAsync(block);
            await arrived.Task.WaitAsync(Timeout);
            lock (inbox) Assert.Equal(expected, inbox);
        }
    }

    [Fact]
    public async Task A_block_handed_over_as_core_events_reaches_listeners_as_the_messages_the_producer_made_before()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = new Hash32(RandomNumberGenerator.GetBytes(32));
        var payee = new Address(RandomNumberGenerator.GetBytes(20));
        var tx = new Hash32(RandomNumberGenerator.GetBytes(32));
        var events = new List<MarketEvent>
        {
            new(MarketEventKind.ContributionAdded, 0, tx, new Hash32(RandomNumberGenerator.GetBytes(32)), payee, new Wei(5), Datanet: datanet),
            new(MarketEventKind.ContributionApproved, 1, tx, new Hash32(RandomNumberGenerator.GetBytes(32)), Datanet: datanet, Detail: "ok"),
            new(MarketEventKind.VersionPublished, -1, Hash32.Zero, datanet, Datanet: datanet),
        };
        var expected = events.Select((e, seq) => MarketEventMessages.From(120, seq, 1_700_000_000_120, e)).ToList();
        var inbox = new List<MarketEventMessage>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var l = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanet.ToString()), e =>
        {
            lock (inbox)
            {
                inbox.Add(e);
                if (inbox.Count == expected.Count) all.TrySetResult();
            }
            return Task.CompletedTask;
        });
        await fx.Client.GetGrain<IMarketRelayGrain>(0).PublishBlockAsync(120, 1_700_000_000_120, ((IReadOnlyList<MarketEvent>)events).AsImmutable());
        await all.Task.WaitAsync(Timeout);
        lock (inbox) Assert.Equal(expected, inbox);
    }

    [Fact]
    public void A_core_event_crosses_silos_unchanged()
    {
        // Between silos the events are serialized (within one they are handed over): every field, null or not, survives.
        var serializer = fx.Client.ServiceProvider.GetRequiredService<Serializer>();
        var full = new MarketEvent(MarketEventKind.RewardCredited, 7, new Hash32(RandomNumberGenerator.GetBytes(32)), new Hash32(RandomNumberGenerator.GetBytes(32)),
            new Address(RandomNumberGenerator.GetBytes(20)), new Wei(UInt128.MaxValue - 3), new Hash32(RandomNumberGenerator.GetBytes(32)),
            new Hash32(RandomNumberGenerator.GetBytes(32)), new Hash32(RandomNumberGenerator.GetBytes(32)), new Hash32(RandomNumberGenerator.GetBytes(32)), "contributor");
        var bare = new MarketEvent(MarketEventKind.InferenceExpired, -1, Hash32.Zero, new Hash32(RandomNumberGenerator.GetBytes(32)));
        foreach (var e in new[] { full, bare })
            Assert.Equal(e, serializer.Deserialize<MarketEvent>(serializer.SerializeToArray(e)));
    }
}
