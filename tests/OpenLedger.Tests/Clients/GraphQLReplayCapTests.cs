using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Market;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Market;
using OpenLedger.Tests.Support;
using static OpenLedger.Tests.Support.GraphQLWebSocket;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// A subscription's replay (<c>fromHeight</c>) is capped at <see cref="MarketEventReplay.MaxEvents"/> events: a longer
/// history is refused with REPLAY_TOO_LONG before any event is sent, leaves no stream listener and changes nothing, and a
/// history of exactly the cap is replayed whole and goes on live. The history is made cheaply: the blocks are executed by
/// the core (<see cref="MarketDriver"/>, the same genesis as the node's) and committed into the node's SQLite file
/// before the node starts, as if it had produced them: 1,002 events in three blocks, no mempool, no waiting.
/// </summary>
public sealed class GraphQLReplayCapTests : IAsyncLifetime
{
    private const int Cap = MarketEventReplay.MaxEvents;

    private readonly TestChain _chain = new(accounts: 10);
    private readonly string _dir = TestChain.TempDirectory("openledger-replay-cap");
    private readonly int _httpPort = FreePorts.Next();
    private InProcessNode? _node;
    private Hash32 _datanet;

    private PrivateKey Prolific => _chain.Keys[1]; // the datanet's owner and the contributor of the cap's worth
    private PrivateKey Latecomer => _chain.Keys[2];
    private Uri GraphQLUrl => new($"http://127.0.0.1:{_httpPort}/graphql");
    private Uri WebSocketUrl => new($"ws://127.0.0.1:{_httpPort}/graphql");
    private InProcessNode Node => _node ?? throw new InvalidOperationException("not started");
    private int Listeners(StreamId s) => Node.Host.Services.GetRequiredService<MarketEventSubscriptions>().ListenerCount(s);

    public async Task InitializeAsync()
    {
        // The datanet's events: 1 at height 1 (created by Prolific), 1,000 at height 2 (Prolific's contributions), 1 at
        // height 3 (Latecomer's): 1,002 from height 0, 1,001 (the cap plus one) from height 2. Prolific's own: 1,001 from
        // height 0, exactly the cap from height 2.
        var d = new MarketDriver(accounts: 10);
        Assert.Equal(_chain.Genesis.ToJson(), d.Genesis.ToJson());
        var b1 = d.Block(d.Sign(Prolific, MarketDriver.NewDatanet("replayed", Wei.Zero, Wei.Zero, ForfeitRule.Owner)));
        MarketDriver.AllOk(b1);
        _datanet = b1.Receipts[0].TxHash;
        MarketDriver.AllOk(d.Block(Enumerable.Range(0, Cap)
            .Select(i => d.Sign(Prolific, MarketDriver.Contribution(_datanet, Item.Of($"contribution {i}")))).ToArray()));
        MarketDriver.AllOk(d.Block(d.Sign(Latecomer, MarketDriver.Contribution(_datanet, Item.Of("the one after")))));
        Assert.Equal(Cap + 2, d.Events.Count(e => e.Datanet == _datanet));

        var conn = TestChain.SqliteConnection(_dir);
        await using (var store = new SqlLedgerStore(StorageBackend.Sqlite, conn))
        {
            await store.InitializeAsync(d.Rules);
            for (int i = 1; i < d.Blocks.Count; i++) await store.CommitBlockAsync(d.Executed[i - 1], d.Blocks[i].ProducerSignature);
        }
        _node = await InProcessNode.StartAsync(_chain, _dir, _httpPort);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_replay_longer_than_the_cap_is_refused_with_its_code_and_changes_nothing()
    {
        using var client = new LedgerClient(GraphQLUrl);
        // Contributions are pending, so the producer seals an empty block every interval (their curation deadlines
        // count blocks): the history is blocks 1 to 3, and any block after them is empty.
        var head = await client.GetBlockAsync(3);
        Assert.NotNull(head);
        var datanetStream = MarketStreams.DatanetStream(_datanet.ToString());
        var rewardsStream = MarketStreams.RewardsStream(Prolific.Address.ToString());

        using var ws = await ConnectAsync(WebSocketUrl);
        // The datanet's feed from genesis (1,002 events) and from height 2 (1,001: one past the cap); Prolific's account
        // feed from genesis (1,001). Each is refused before a single event is sent.
        var cases = new[]
        {
            ("datanet", 0L, $"datanetActivity(id: \"{_datanet}\", fromHeight: 0)"),
            ("datanet+1", 2L, $"datanetActivity(id: \"{_datanet}\", fromHeight: 2)"),
            ("account", 0L, $"rewards(address: \"{Prolific.Address}\", all: true, fromHeight: 0)"),
        };
        foreach (var (id, from, field) in cases)
        {
            await SendAsync(ws, Subscribe(id, $"subscription {{ {field} {{ kind height sequence }} }}"));
            var refused = await ReceiveAsync(ws, TimeSpan.FromSeconds(30));
            Assert.Equal(id, refused["id"]!.GetValue<string>());
            var error = Assert.Single(ErrorsOf(refused));
            Assert.Equal(MarketEventReplay.TooLongCode, error!["extensions"]!["code"]!.GetValue<string>());
            Assert.Contains($"more than {Cap} events since height {from}", error["message"]!.GetValue<string>());
            // The server sends the error as a result (its only one), then ends the operation.
            var end = await ReceiveAsync(ws);
            Assert.Equal(("complete", id), (end["type"]!.GetValue<string>(), end["id"]!.GetValue<string>()));
        }
        await Poll.UntilAsync(() => Listeners(datanetStream) == 0 && Listeners(rewardsStream) == 0, "the refused replays' listeners released",
            () => $"{Listeners(datanetStream)} listeners on the datanet stream, {Listeners(rewardsStream)} on the account's");

        // Nothing changed: no transaction since block 3, the same datanet; and the node goes on serving reads on the same socket.
        var after = await client.GetBlockAsync(null);
        for (var h = head!.Height + 1; h <= after!.Height; h++) Assert.Empty((await client.GetBlockAsync(h))!.TransactionHashes);
        Assert.Equal(head.Hash, (await client.GetBlockAsync(3))!.Hash);
        Assert.Equal(Cap + 1, (await client.GetContributionsAsync(_datanet, 2 * Cap)).Count);
        await SendAsync(ws, Subscribe("later", $"subscription {{ datanetActivity(id: \"{_datanet}\", fromHeight: 3) {{ kind height }} }}"));
        var later = await ReceiveAsync(ws);
        Assert.Equal("next", later["type"]!.GetValue<string>());
        Assert.Equal(("CONTRIBUTION_ADDED", 3L), (later["payload"]!["data"]!["datanetActivity"]!["kind"]!.GetValue<string>(),
            later["payload"]!["data"]!["datanetActivity"]!["height"]!.GetValue<long>()));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task A_replay_of_exactly_the_cap_is_delivered_whole_in_order_and_goes_on_live()
    {
        using var client = new LedgerClient(GraphQLUrl);
        using var ws = await ConnectAsync(WebSocketUrl);
        await SendAsync(ws, Subscribe("r", $"subscription {{ rewards(address: \"{Prolific.Address}\", all: true, fromHeight: 2) {{ kind height sequence }} }}"));
        var replayed = new List<(string Kind, long Height, int Sequence)>();
        while (replayed.Count < Cap)
        {
            var m = await ReceiveAsync(ws, TimeSpan.FromSeconds(30));
            Assert.True(m["type"]!.GetValue<string>() == "next" && m["payload"]!["errors"] is null, m.ToJsonString());
            var e = m["payload"]!["data"]!["rewards"]!;
            replayed.Add((e["kind"]!.GetValue<string>(), e["height"]!.GetValue<long>(), e["sequence"]!.GetValue<int>()));
        }
        Assert.All(replayed, e => Assert.Equal(("CONTRIBUTION_ADDED", 2L), (e.Kind, e.Height)));
        Assert.Equal(Enumerable.Range(replayed[0].Sequence, Cap), replayed.Select(e => e.Sequence));

        // Live after the replay, with no gap: Prolific's next event (a datanet of its own) arrives on the same subscription.
        var sent = await client.SendAsync(MarketDriver.NewDatanet("live", Wei.Zero, Wei.Zero, ForfeitRule.Owner), Prolific);
        Assert.True(sent.Succeeded, sent.Describe());
        var live = await ReceiveAsync(ws, TimeSpan.FromSeconds(30));
        Assert.Equal("DATANET_CREATED", live["payload"]!["data"]!["rewards"]!["kind"]!.GetValue<string>());
        Assert.Equal(sent.View!.BlockHeight, live["payload"]!["data"]!["rewards"]!["height"]!.GetValue<long>());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
