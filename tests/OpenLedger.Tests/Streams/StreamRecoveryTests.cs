using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Tests.Market;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Streams;

/// <summary>A "market" stream listener recovers what its stream lost from the store (README "Live updates"): on a real
/// node (silo + gateway, SQLite), the gateway's <see cref="MarketEventSubscriptions"/> (with <see cref="MarketStreamGaps"/>
/// and <see cref="SiloLossWatch"/>) loses its Orleans subscription behind its back, as when the silo that kept it dies;
/// events committed meanwhile are lost to the stream, yet the listener gets each committed event of its stream once,
/// in order, exactly the store's: after a re-subscription (what a silo's loss triggers), or at the next message, whose
/// link shows the gap.</summary>
public sealed class StreamRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TestChain _chain = new(accounts: 6);
    private readonly string _dir = TestChain.TempDirectory("openledger-stream-recovery");
    private readonly int _httpPort = FreePorts.Next();
    private InProcessNode? _node;
    private LedgerClient? _client;
    private Hash32 _datanet;

    private InProcessNode Node => _node ?? throw new InvalidOperationException("not started");
    private LedgerClient Client => _client ?? throw new InvalidOperationException("not started");
    private MarketEventSubscriptions Subscriptions => Node.Host.Services.GetRequiredService<MarketEventSubscriptions>();
    private IClusterClient Cluster => Node.Host.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        _node = await InProcessNode.StartAsync(_chain, _dir, _httpPort);
        _client = new LedgerClient(new Uri($"http://127.0.0.1:{_httpPort}/graphql"));
        _datanet = (await Client.SendAsync(MarketDriver.NewDatanet("recovery", Wei.Zero, Wei.Zero, ForfeitRule.Owner), _chain.Keys[0])).EnsureSucceeded().Hash;
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_node is not null) await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_lost_subscription_is_made_again_and_the_missed_events_come_from_the_store_in_order()
    {
        var contributor = _chain.Keys[1];
        var stream = MarketStreams.RewardsStream(contributor.Address.ToString());
        var inbox = new Inbox();
        await using var listener = await Subscriptions.SubscribeAsync(stream, inbox.Add);
        var before = Subscriptions.EventsRecovered;

        await ContributeAsync(contributor, "live 1");
        await inbox.WaitForAsync(1, Timeout);

        await DropOrleansSubscriptionsAsync(stream);
        await ContributeAsync(contributor, "lost 1");
        await ContributeAsync(contributor, "lost 2");
        Assert.Single(inbox.Snapshot()); // the stream lost them: nobody was subscribed

        await Subscriptions.ResubscribeAllAsync(); // what a silo's loss triggers (SiloLossWatch)
        await inbox.WaitForAsync(3, Timeout);
        await ContributeAsync(contributor, "live 2");
        var received = await inbox.WaitForAsync(4, Timeout);

        Assert.Equal(await StoreAsync(contributor.Address), Keys(received));
        Assert.True(Subscriptions.EventsRecovered - before >= 2, $"recovered {Subscriptions.EventsRecovered - before}");
    }

    [Fact]
    public async Task A_message_whose_link_skips_events_brings_them_from_the_store_first()
    {
        var contributor = _chain.Keys[2];
        var stream = MarketStreams.RewardsStream(contributor.Address.ToString());
        var inbox = new Inbox();
        await using var listener = await Subscriptions.SubscribeAsync(stream, inbox.Add);

        await ContributeAsync(contributor, "first");
        await inbox.WaitForAsync(1, Timeout);
        await DropOrleansSubscriptionsAsync(stream);
        await ContributeAsync(contributor, "missed");
        // Subscribed again without reading the store: only the next message's link can show the gap.
        await Subscriptions.ResubscribeAllAsync(recover: false);
        Assert.Single(inbox.Snapshot());
        await ContributeAsync(contributor, "next");
        var received = await inbox.WaitForAsync(3, Timeout);

        Assert.Equal(await StoreAsync(contributor.Address), Keys(received));
        Assert.All(received, e => Assert.Equal(MarketEventMessage.UnknownPrevious, e.PreviousHeight)); // listeners see no links
    }

    [Fact]
    public async Task A_new_listener_starts_after_the_head_and_never_gets_older_events_from_the_store()
    {
        var contributor = _chain.Keys[3];
        await ContributeAsync(contributor, "before anyone listened");
        var stream = MarketStreams.RewardsStream(contributor.Address.ToString());
        var inbox = new Inbox();
        await using var listener = await Subscriptions.SubscribeAsync(stream, inbox.Add);
        await ContributeAsync(contributor, "after");
        var received = await inbox.WaitForAsync(1, Timeout);
        Assert.Equal([(await StoreAsync(contributor.Address))[^1]], Keys(received));
    }

    private async Task ContributeAsync(PrivateKey contributor, string text)
    {
        var stored = await Client.UploadAsync(System.Text.Encoding.UTF8.GetBytes($"{contributor.Address}: {text}"), _datanet);
        (await Client.SendAsync(new Contribute(_datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size), contributor)).EnsureSucceeded();
    }

    /// <summary>Removes the stream's subscriptions in Orleans' pub/sub, as a silo's death does with the ones it kept.</summary>
    private async Task DropOrleansSubscriptionsAsync(StreamId stream)
    {
        var handles = await Cluster.GetStreamProvider(MarketStreams.ProviderName).GetStream<MarketEventMessage>(stream).GetAllSubscriptionHandles();
        Assert.NotEmpty(handles);
        foreach (var h in handles) await h.UnsubscribeAsync();
    }

    private async Task<List<(long, int)>> StoreAsync(Address party)
    {
        var events = await Cluster.GetGrain<IMarketQueryGrain>(0).QueryEventsAsync(new MarketEventQuery(Party: party, Limit: 100));
        return [.. events.Reverse().Select(e => e.Key)];
    }

    private static List<(long, int)> Keys(IEnumerable<MarketEventMessage> events) => [.. events.Select(e => e.Key)];

    /// <summary>Collects what a listener receives; a test waits for a count.</summary>
    private sealed class Inbox
    {
        private readonly List<MarketEventMessage> _events = [];

        public Task Add(MarketEventMessage e)
        {
            lock (_events) _events.Add(e);
            return Task.CompletedTask;
        }

        public List<MarketEventMessage> Snapshot() { lock (_events) return [.. _events]; }

        public async Task<List<MarketEventMessage>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Snapshot().Count < count)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"expected {count} event(s) within {timeout}, got {Snapshot().Count}");
                await Task.Delay(20);
            }
            return Snapshot();
        }
    }
}
