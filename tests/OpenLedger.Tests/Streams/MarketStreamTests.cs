using OpenLedger.Tests.Support;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Streams;

/// <summary>A real one-silo Orleans cluster with only the "market" streams, and a real Orleans client beside it
/// (the gateway-process case). Each test uses fresh random ids, so tests sharing the cluster do not see each other.</summary>
public sealed class MarketStreamClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's own client: what a gateway hosted inside the silo process uses.</summary>
    public IClusterClient SiloClient => Cluster.Silos[0].ServiceProvider.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1)
            .WithClusterTls();
        builder.ConfigureSilo((_, silo) => silo.AddOpenLedgerStreams());
        builder.ConfigureClient(client => client.AddOpenLedgerStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Committed marketplace events published with <see cref="MarketEventPublisher"/> reach listeners of
/// <see cref="MarketEventSubscriptions"/> on the right streams, in order, through one Orleans subscription per stream.</summary>
public class MarketStreamTests(MarketStreamClusterFixture fx) : IClassFixture<MarketStreamClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string NewId(int bytes = 32) => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static MarketEventMessage Event(long height, int sequence, string kind, string subject,
        string? datanet = null, string? party = null, string? amount = null, string? model = null, string? inference = null) =>
        new(height, TxIndex: sequence, sequence, kind, subject, party, amount, datanet, model, Contribution: null, inference,
            Detail: null, TxHash: NewId(), TimestampMs: 1_700_000_000_000 + height);

    private MarketEventPublisher Publisher => MarketEventPublisher.Create(fx.Client);

    private IAsyncStream<MarketEventMessage> Raw(IClusterClient client, StreamId id) =>
        client.GetStreamProvider(MarketStreams.ProviderName).GetStream<MarketEventMessage>(id);

    [Fact]
    public async Task Events_reach_their_datanet_and_rewards_subscribers_in_order_and_no_one_else()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        string datanetA = NewId(), datanetB = NewId(), party = NewId(20), other = NewId(20);
        var inboxA = new Inbox();
        var inboxB = new Inbox();
        var inboxParty = new Inbox();
        var inboxOther = new Inbox();
        await using var a = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanetA), inboxA.Add);
        await using var b = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanetB), inboxB.Add);
        // An EIP-55 style mixed-case address names the same stream as its lower-case form.
        await using var p = await subs.SubscribeAsync(MarketStreams.RewardsStream(party.ToUpperInvariant().Replace("0X", "0x")), inboxParty.Add);
        await using var o = await subs.SubscribeAsync(MarketStreams.RewardsStream(other), inboxOther.Add);

        var events = new List<MarketEventMessage>();
        for (var i = 0; i < 5; i++) events.Add(Event(10, i, MarketEventKinds.ContributionAdded, NewId(), datanet: datanetA, party: party));
        events.Add(Event(10, 5, MarketEventKinds.ContributionAdded, NewId(), datanet: datanetB));
        events.Add(Event(11, 0, MarketEventKinds.VersionPublished, datanetA, datanet: datanetA));
        events.Add(Event(12, 0, MarketEventKinds.RewardCredited, NewId(), datanet: datanetA, party: party, amount: "1500000000000000000"));
        events.Add(Event(12, 1, MarketEventKinds.RewardCredited, NewId(), party: party, amount: "7"));
        events.Add(Event(12, 2, MarketEventKinds.ContributionApproved, NewId(), datanet: datanetB));
        Assert.Equal(0, await Publisher.PublishAsync(events));

        // A reward credit goes only to its payee's rewards stream, not to its datanet's.
        var expectA = events.Where(e => e.Datanet == datanetA && e.Kind != MarketEventKinds.RewardCredited).ToList();
        var expectB = events.Where(e => e.Datanet == datanetB).ToList();
        var expectParty = events.Where(e => e.Party == party).ToList();
        Assert.Equal(expectA, await inboxA.WaitForAsync(expectA.Count, Timeout));
        Assert.Equal(expectB, await inboxB.WaitForAsync(expectB.Count, Timeout));
        Assert.Equal(expectParty, await inboxParty.WaitForAsync(expectParty.Count, Timeout));
        Assert.Equal(6, expectA.Count);
        Assert.Equal(7, expectParty.Count);

        // A last marker on every stream: anything misrouted would have been delivered before it.
        var markers = new[] { datanetA, datanetB }.Select((d, i) => Event(13, i, MarketEventKinds.VersionPublished, d, datanet: d))
            .Concat([Event(13, 2, MarketEventKinds.RewardCredited, NewId(), party: party, amount: "1"),
                     Event(13, 3, MarketEventKinds.RewardCredited, NewId(), party: other, amount: "2")]).ToList();
        Assert.Equal(0, await Publisher.PublishAsync(markers));
        Assert.Equal([.. expectA, markers[0]], await inboxA.WaitForAsync(expectA.Count + 1, Timeout));
        Assert.Equal([.. expectB, markers[1]], await inboxB.WaitForAsync(expectB.Count + 1, Timeout));
        Assert.Equal([.. expectParty, markers[2]], await inboxParty.WaitForAsync(expectParty.Count + 1, Timeout));
        Assert.Equal([markers[3]], await inboxOther.WaitForAsync(1, Timeout));
    }

    [Fact]
    public async Task A_hundred_local_listeners_share_one_orleans_subscription_and_all_receive_each_event()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var stream = MarketStreams.DatanetStream(datanet);
        var inboxes = Enumerable.Range(0, 100).Select(_ => new Inbox()).ToArray();
        var listeners = await Task.WhenAll(inboxes.Select(i => subs.SubscribeAsync(stream, i.Add)));

        Assert.Equal(1, subs.StreamCount);
        Assert.Equal(100, subs.ListenerCount(stream));
        Assert.Single(await Raw(fx.Client, stream).GetAllSubscriptionHandles());

        var events = Enumerable.Range(0, 3).Select(i => Event(20 + i, 0, MarketEventKinds.ContributionAdded, NewId(), datanet: datanet)).ToList();
        foreach (var e in events) Assert.Equal(0, await Publisher.PublishAsync([e]));
        foreach (var inbox in inboxes) Assert.Equal(events, await inbox.WaitForAsync(3, Timeout));

        foreach (var l in listeners) await l.DisposeAsync();
        Assert.Equal(0, subs.StreamCount);
    }

    [Fact]
    public async Task Disposing_every_listener_unsubscribes_from_orleans_and_stops_delivery()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var stream = MarketStreams.DatanetStream(datanet);
        var inboxes = Enumerable.Range(0, 3).Select(_ => new Inbox()).ToArray();
        var listeners = await Task.WhenAll(inboxes.Select(i => subs.SubscribeAsync(stream, i.Add)));
        var first = Event(30, 0, MarketEventKinds.ContributionAdded, NewId(), datanet: datanet);
        await Publisher.PublishAsync([first]);
        foreach (var inbox in inboxes) Assert.Equal([first], await inbox.WaitForAsync(1, Timeout));

        // Removing some listeners keeps the subscription for the rest.
        await listeners[0].DisposeAsync();
        await listeners[0].DisposeAsync(); // twice is harmless
        Assert.Single(await Raw(fx.Client, stream).GetAllSubscriptionHandles());
        await listeners[1].DisposeAsync();
        await listeners[2].DisposeAsync();
        Assert.Equal(0, subs.StreamCount);
        Assert.Empty(await Raw(fx.Client, stream).GetAllSubscriptionHandles());

        // A witness subscribed straight on Orleans: once it has the next event, the stream has delivered it to every
        // subscriber it still had, so the disposed listeners would have had it by then too.
        var witness = new Inbox();
        var handle = await Raw(fx.Client, stream).SubscribeAsync((e, _) => witness.Add(e));
        var second = Event(31, 0, MarketEventKinds.ContributionApproved, NewId(), datanet: datanet);
        await Publisher.PublishAsync([second]);
        Assert.Equal([second], await witness.WaitForAsync(1, Timeout));
        foreach (var inbox in inboxes) Assert.Equal([first], inbox.Snapshot());
        await handle.UnsubscribeAsync();

        // A new listener after that makes a new subscription and gets only what comes next.
        var late = new Inbox();
        await using (await subs.SubscribeAsync(stream, late.Add))
        {
            var third = Event(32, 0, MarketEventKinds.VersionPublished, datanet, datanet: datanet);
            await Publisher.PublishAsync([third]);
            Assert.Equal([third], await late.WaitForAsync(1, Timeout));
        }
        Assert.Empty(await Raw(fx.Client, stream).GetAllSubscriptionHandles());
    }

    [Fact]
    public async Task Publishing_with_no_subscribers_does_not_throw()
    {
        var events = Enumerable.Range(0, 20).Select(i => Event(40, i, MarketEventKinds.InferenceSettled, NewId(),
            datanet: NewId(), party: NewId(20), amount: "12", model: NewId(), inference: NewId())).ToList();
        Assert.Equal(0, await Publisher.PublishAsync(events));
        Assert.Equal(0, await Publisher.PublishAsync([]));
        // A malformed id is logged and skipped, not thrown.
        Assert.Equal(0, await Publisher.PublishAsync([Event(41, 0, MarketEventKinds.RewardCredited, "x", party: "not-hex")]));
    }

    [Fact]
    public void Routes_follow_the_datanet_and_party_an_event_names_and_nothing_else()
    {
        string d = NewId(), m = NewId(), inf = NewId(), party = NewId(20);
        var e = Event(1, 0, MarketEventKinds.InferenceSettled, inf, datanet: d, party: party, model: m, inference: inf);
        // The model and the inference have no stream: nothing subscribes to one.
        Assert.Equal([MarketStreams.DatanetStream(d), MarketStreams.RewardsStream(party)], MarketEventPublisher.Routes(e));
        Assert.Empty(MarketEventPublisher.Routes(Event(1, 3, MarketEventKinds.InferenceSettled, inf, model: m, inference: inf)));
        Assert.Empty(MarketEventPublisher.Routes(Event(1, 1, "BlockLevel", "0x01")));
        var credit = Event(1, 2, MarketEventKinds.RewardCredited, inf, datanet: d, party: party, model: m, inference: inf);
        Assert.Equal([MarketStreams.RewardsStream(party)], MarketEventPublisher.Routes(credit));
        Assert.Equal(MarketStreams.RewardsStream(party), MarketStreams.RewardsStream(party.ToUpperInvariant().Replace("0X", "0x")));
        Assert.Throws<ArgumentException>(() => MarketStreams.DatanetStream("abc"));
    }

    [Fact]
    public async Task A_block_of_thousands_of_events_for_one_stream_goes_out_in_chunks_and_arrives_in_order()
    {
        // One queue message must stay under the memory provider's 1 MB cache blocks: 3,000 contributions to one
        // datanet in one block are several batches of at most MarketEventPublisher.MaxBatch.
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var inbox = new Inbox();
        await using var l = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanet), inbox.Add);
        var events = Enumerable.Range(0, 3_000).Select(i => Event(70, i, MarketEventKinds.ContributionAdded, NewId(), datanet: datanet, amount: new string('9', 300))).ToList();
        Assert.Equal(0, await Publisher.PublishAsync(events));
        Assert.Equal(events, await inbox.WaitForAsync(events.Count, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_repeated_event_reaches_listeners_once()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var party = NewId(20);
        var inbox = new Inbox();
        await using var l = await subs.SubscribeAsync(MarketStreams.RewardsStream(party), inbox.Add);
        var credit = Event(50, 3, MarketEventKinds.RewardCredited, NewId(), party: party, amount: "5");
        var next = Event(51, 0, MarketEventKinds.RewardCredited, NewId(), party: party, amount: "6");
        await Publisher.PublishAsync([credit]);
        await Publisher.PublishAsync([credit]); // e.g. a block's events republished after a producer restart
        await Publisher.PublishAsync([next]);
        Assert.Equal([credit, next], await inbox.WaitForAsync(2, Timeout));
    }

    [Fact]
    public async Task Resubscribing_after_a_reconnect_keeps_one_subscription_and_delivery()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var stream = MarketStreams.DatanetStream(datanet);
        var inbox = new Inbox();
        await using var l = await subs.SubscribeAsync(stream, inbox.Add);
        await subs.ResubscribeAllAsync();
        Assert.Single(await Raw(fx.Client, stream).GetAllSubscriptionHandles());
        var settled = Event(55, 0, MarketEventKinds.InferenceSettled, NewId(), datanet: datanet, model: NewId());
        await Publisher.PublishAsync([settled]);
        Assert.Equal([settled], await inbox.WaitForAsync(1, Timeout));
    }

    [Fact]
    public async Task A_gateway_process_that_regains_the_cluster_subscribes_its_streams_again()
    {
        await using var subs = new MarketEventSubscriptions(fx.Client);
        var datanet = NewId();
        var stream = MarketStreams.DatanetStream(datanet);
        var inbox = new Inbox();
        await using var l = await subs.SubscribeAsync(stream, inbox.Add);
        // A restarted cluster forgets subscriptions (in-memory pub/sub store): drop them behind the listener's back.
        foreach (var h in await Raw(fx.Client, stream).GetAllSubscriptionHandles()) await h.UnsubscribeAsync();
        Assert.Empty(await Raw(fx.Client, stream).GetAllSubscriptionHandles());

        var services = new ServiceCollection().AddSingleton(subs).BuildServiceProvider();
        new OpenLedger.Gateway.Hosting.StreamResubscriber(services).NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        var deadline = DateTime.UtcNow + Timeout;
        while ((await Raw(fx.Client, stream).GetAllSubscriptionHandles()).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var published = Event(80, 0, MarketEventKinds.VersionPublished, datanet, datanet: datanet);
        Assert.Equal(0, await Publisher.PublishAsync([published]));
        Assert.Equal([published], await inbox.WaitForAsync(1, Timeout));
    }

    [Fact]
    public async Task A_gateway_inside_the_silo_process_subscribes_through_the_silo_client()
    {
        await using var subs = new MarketEventSubscriptions(fx.SiloClient);
        var datanet = NewId();
        var inbox = new Inbox();
        await using var l = await subs.SubscribeAsync(MarketStreams.DatanetStream(datanet), inbox.Add);
        var events = Enumerable.Range(0, 4).Select(i => Event(60, i, MarketEventKinds.ContributionAdded, NewId(), datanet: datanet)).ToList();
        // Published from the other process (the external client): the event crosses into the silo's hosted client.
        Assert.Equal(0, await Publisher.PublishAsync(events));
        Assert.Equal(events, await inbox.WaitForAsync(4, Timeout));
    }

    [Fact]
    public async Task A_grain_with_a_string_key_gets_its_rewards_stream_by_implicit_subscription()
    {
        var party = NewId(20);
        var credits = Enumerable.Range(0, 3).Select(i => Event(70, i, MarketEventKinds.RewardCredited, NewId(), party: party, amount: $"{i + 1}")).ToList();
        Assert.Equal(0, await Publisher.PublishAsync(credits));
        var received = await fx.Client.GetGrain<IRewardsProbeGrain>(party).WaitForAsync(3, Timeout);
        Assert.Equal(credits, received);
    }

    /// <summary>Collects the events a listener receives and lets a test wait for a count, without sleeping.</summary>
    private sealed class Inbox
    {
        private readonly List<MarketEventMessage> _events = [];
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

        public Task Add(MarketEventMessage e)
        {
            lock (_events)
            {
                _events.Add(e);
                foreach (var w in _waiters.Where(w => _events.Count >= w.Count).ToList())
                {
                    _waiters.Remove(w);
                    w.Done.TrySetResult();
                }
            }
            return Task.CompletedTask;
        }

        public List<MarketEventMessage> Snapshot() { lock (_events) return [.. _events]; }

        public async Task<List<MarketEventMessage>> WaitForAsync(int count, TimeSpan timeout)
        {
            Task wait;
            lock (_events)
            {
                if (_events.Count >= count) return [.. _events];
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, done));
                wait = done.Task;
            }
            try { await wait.WaitAsync(timeout); }
            catch (TimeoutException) { Assert.Fail($"expected {count} event(s) within {timeout}, got {Snapshot().Count}"); }
            return Snapshot();
        }
    }
}

/// <summary>Stands in for a reward grain: keyed by an address (a string), subscribed implicitly to that address's
/// rewards stream, it remembers what it received.</summary>
[Alias("openledger.tests.IRewardsProbeGrain")]
public interface IRewardsProbeGrain : IGrainWithStringKey
{
    [Alias("WaitFor")]
    Task<List<MarketEventMessage>> WaitForAsync(int count, TimeSpan timeout);
}

[ImplicitStreamSubscription(MarketStreams.RewardsNamespace)]
[Reentrant]
public sealed class RewardsProbeGrain : Grain, IRewardsProbeGrain, IStreamSubscriptionObserver
{
    private readonly List<MarketEventMessage> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<MarketEventMessage>().ResumeAsync((e, _) =>
        {
            _received.Add(e);
            var changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
            return Task.CompletedTask;
        });

    public async Task<List<MarketEventMessage>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count && DateTime.UtcNow < deadline)
            await _changed.Task.WaitAsync(deadline - DateTime.UtcNow).ContinueWith(_ => { }, TaskScheduler.Current);
        return [.. _received];
    }
}
