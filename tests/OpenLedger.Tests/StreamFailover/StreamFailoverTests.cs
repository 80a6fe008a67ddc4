using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using OpenLedger.Client;
using OpenLedger.Cluster;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Market;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.StreamFailover;

/// <summary>
/// Live updates survive the death of the silo that relays them and of the silo a client is connected to (issue 16,
/// README "Live updates"): three real silo processes (`openledger run --postgres --no-ml`) on one PostgreSQL database,
/// each serving GraphQL on its own port, and the real graphql-ws client following an account's <c>rewards</c> and a
/// datanet's <c>datanetActivity</c> through silo A, which does not host the market relay. The relay's silo R is
/// SIGKILLed (the relay, its links, and whatever stream queues, pulling agents and pub/sub records it held die with
/// it), more settlements credit the account, and the client must get every credit and datanet event once, in order,
/// exactly the store's; then A is killed, the client moves to the last silo with <c>fromHeight</c>, more credits
/// follow, and again it has exactly the store's, its total the store's to the wei. One cluster per class; two kills.
/// The settlements are posted and settled by the test (no ML role: the dev chain's serving and attribution operators
/// sign), each waited for with <see cref="LedgerClient.WaitResubmittingAsync"/>, which resubmits a transaction a dead
/// mempool lost. Each phase prints how long events took from their block to the client, with the load average.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StreamFailoverTests(PostgresServerFixture pg, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(180);
    private static readonly Wei Price = new(1_000_000_000_000_000_007);

    private readonly TestChain _chain = new(accounts: 10, blockIntervalMs: 200);
    private readonly string _root = TestChain.TempDirectory("openledger-stream-failover");
    private readonly List<NodeProcess> _nodes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string _connection = "";

    private PrivateKey Owner => _chain.Keys[0];
    private PrivateKey Follower => _chain.Keys[1]; // the contributor whose rewards the client follows
    private PrivateKey Other => _chain.Keys[2];
    private PrivateKey Publisher => _chain.Keys[3];
    private PrivateKey Caller => _chain.Keys[4];

    public async Task InitializeAsync()
    {
        var conn = _connection = await pg.CreateDatabaseAsync($"stream_failover_{Environment.ProcessId}");
        var genesis = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesis, _chain.Genesis.ToJson() + "\n");
        var cert = Path.Combine(_root, ClusterCertificate.DefaultFileName);
        ClusterCertificate.LoadOrCreate(cert).Dispose();
        for (int i = 0; i < 3; i++)
            _nodes.Add(new NodeProcess(Path.Combine(_root, $"silo-{"ABC"[i]}"), genesis, ["--postgres", conn, "--no-ml", "--cluster-cert", cert]));
        // One at a time: two shared cores, and the first prepares the database.
        foreach (var n in _nodes)
        {
            Directory.CreateDirectory(n.DataDirectory);
            await n.StartAsync(Start);
            Note($"silo {Name(n)} ready (http {n.HttpPort}, silo port {n.SiloPort})");
        }
    }

    public Task DisposeAsync()
    {
        foreach (var n in _nodes) n.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_subscriber_gets_every_credit_once_in_order_across_the_relays_and_its_own_silos_death()
    {
        using var setup = new LedgerClient(Url(_nodes[0]));
        var world = await SetUpAsync(setup);

        // The relay activated with the first market events, on some silo R: the client follows through another silo A,
        // R dies first (the relay, its links and whatever stream queues and pub/sub records it held), then A.
        var relay = _nodes.LastOrDefault(n => n.Lines.Any(l => l.Contains("Market relay active on silo", StringComparison.Ordinal)))
            ?? throw new Xunit.Sdk.XunitException($"no silo said it hosts the market relay\n{Diagnostics()}");
        var a = _nodes.First(n => n != relay);
        var survivor = _nodes.First(n => n != relay && n != a);
        Note($"the market relay is on {Name(relay)}; the client follows through {Name(a)}; {Name(survivor)} will remain");
        using var client = new LedgerClient(Url(a));
        await using var follower = MarketFollower.Start([a.HttpPort, relay.HttpPort, survivor.HttpPort], Follower.Address.ToString(), world.Datanet.ToString(), fromHeight: 0);
        await follower.WaitUntilAsync(f => f.Connections.Count > 0, TimeSpan.FromSeconds(30), "connect");
        for (int i = 0; i < 2; i++) await RoundAsync(client, world, i);
        await ExpectStoreAsync(client, follower, world, "before any kill");

        relay.Kill();
        var killed = _clock.Elapsed;
        Note($"killed {Name(relay)}, the relay's silo");
        for (int i = 2; i < 5; i++) await RoundAsync(client, world, i);
        Note($"3 settlements committed {(_clock.Elapsed - killed).TotalSeconds:0.0} s after the kill");
        await ExpectStoreAsync(client, follower, world, $"after killing {Name(relay)}");
        var relayNow = _nodes.Where(n => n != relay).LastOrDefault(n => n.Lines.Any(l => l.Contains("Market relay active on silo", StringComparison.Ordinal)));
        Note($"the relay now runs on {(relayNow is null ? "?" : Name(relayNow))}");

        // Now the client's own silo: it moves on to a live one and subscribes again from the last height it saw.
        a.Kill();
        Note($"killed {Name(a)}, the client's silo");
        using var next = new LedgerClient(Url(survivor));
        for (int i = 5; i < 7; i++) await RoundAsync(next, world, i);
        await ExpectStoreAsync(next, follower, world, $"after killing {Name(a)}");
        Assert.Contains(follower.Connections, u => u.Contains($":{survivor.HttpPort}/", StringComparison.Ordinal));

        // The total the client saw is the store's, to the wei.
        var seen = follower.Events("rewards").Aggregate(BigInteger.Zero, (s, e) => s + BigInteger.Parse((string)e["amount"]!));
        var summary = await Transient(() => next.GetRewardsAsync(Follower.Address));
        Assert.Equal((BigInteger)summary.Total.Value, seen);
        Assert.Equal(7, follower.Events("rewards").Count);
        output.WriteLine(follower.Transcript());
        await MeasureAsync(next);
        Note($"done; load average {LoadAverage()}");
    }

    /// <summary>What the choice costs, printed (README "Performance"): the store read a recovering subscriber makes per
    /// gap (an account's events through GraphQL, HTTP included: an upper bound of the grain's read), against what a
    /// durable stream queue in this PostgreSQL would cost every message even when nothing is lost (one row in and out
    /// of a queue table: the floor of Microsoft.Orleans.Streaming.AdoNet's insert, dequeue and confirm).</summary>
    private async Task MeasureAsync(LedgerClient client)
    {
        var reads = new List<double>();
        for (int i = 0; i < 30; i++)
        {
            var t = Stopwatch.StartNew();
            await Transient(() => client.QueryAsync("query($a: Address!) { marketEvents(party: $a, first: 10) { nodes { height sequence } } }",
                new { a = Follower.Address.ToString() }));
            reads.Add(t.Elapsed.TotalMilliseconds);
        }
        var rows = new List<double>();
        await using (var c = new Npgsql.NpgsqlConnection(_connection))
        {
            await c.OpenAsync();
            await using (var create = new Npgsql.NpgsqlCommand("CREATE TABLE queue_probe (id bigserial PRIMARY KEY, queue int NOT NULL, payload bytea NOT NULL)", c))
                await create.ExecuteNonQueryAsync();
            var payload = new byte[600]; // about one market event message, serialized
            for (int i = 0; i < 200; i++)
            {
                var t = Stopwatch.StartNew();
                await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO queue_probe (queue, payload) VALUES (1, @p) RETURNING id", c);
                insert.Parameters.AddWithValue("p", payload);
                var id = (long)(await insert.ExecuteScalarAsync())!;
                await using var take = new Npgsql.NpgsqlCommand("DELETE FROM queue_probe WHERE id = @id", c);
                take.Parameters.AddWithValue("id", id);
                await take.ExecuteNonQueryAsync();
                rows.Add(t.Elapsed.TotalMilliseconds);
            }
        }
        static string P(List<double> ms) { ms.Sort(); return $"p50 {ms[ms.Count / 2]:0.00} ms, p90 {ms[ms.Count * 9 / 10]:0.00} ms"; }
        Note($"a recovering subscriber's store read (marketEvents over HTTP, PostgreSQL): {P(reads)}; " +
             $"a durable queue's row in and out per message (PostgreSQL): {P(rows)}; load average {LoadAverage()}");
    }

    private sealed record World(Hash32 Datanet, Hash32 Model, Hash32[] Contributions);

    /// <summary>A datanet with two approved contributions (one of them the followed account's), its first version, and a model on it.</summary>
    private async Task<World> SetUpAsync(LedgerClient client)
    {
        var datanet = (await Send(client, Owner, MarketDriver.NewDatanet("failover", Wei.Zero, Wei.Zero, ForfeitRule.Owner))).Hash;
        var mine = (await ContributeAsync(client, Follower, datanet, "the followed account's contribution")).Hash;
        var theirs = (await ContributeAsync(client, Other, datanet, "another contributor's")).Hash;
        await Send(client, Owner, new Curate(mine, true, "good"));
        await Send(client, Owner, new Curate(theirs, true, "good"));
        await Send(client, Owner, new PublishVersion(datanet));
        var model = (await Send(client, Publisher, MarketDriver.NewModel("failover model", Price, 6_500, 2_500, 1_000, DatanetVersion.IdOf(datanet, 1)))).Hash;
        Note("datanet, contributions, version and model committed");
        return new World(datanet, model, [mine, theirs]);
    }

    /// <summary>One paid inference settled on both contributions (one credit to the followed account), and one more
    /// contribution to the datanet (a datanet event), sent side by side.</summary>
    private async Task RoundAsync(LedgerClient client, World w, int i)
    {
        var contribution = ContributeAsync(client, Other, w.Datanet, $"round {i}'s contribution");
        var inference = (await Send(client, Caller, new RequestInference(w.Model, MarketDriver.H($"input {i}"), Price))).Hash;
        await Send(client, _chain.ServingOperator, new PostResult(inference, MarketDriver.H($"output {i}")));
        await Send(client, _chain.AttributionOperator, new SettleAttribution(inference, MarketDriver.H($"record {i}"), w.Contributions, [3, 1]));
        await contribution;
        Note($"round {i} committed");
    }

    private async Task<SendOutcome> ContributeAsync(LedgerClient client, PrivateKey contributor, Hash32 datanet, string text)
    {
        var stored = await Transient(() => client.UploadAsync(System.Text.Encoding.UTF8.GetBytes(text), datanet));
        return await Send(client, contributor, new Contribute(datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size));
    }

    /// <summary>Signs once and submits the same bytes until the node takes them (while a silo dies, the node may refuse a
    /// call for a few seconds with a transient code), then waits, resubmitting should the mempool have died with it.</summary>
    private async Task<SendOutcome> Send(LedgerClient client, PrivateKey key, ITxBody body)
    {
        var chain = await Transient(() => client.GetChainIdentityAsync());
        var nonce = await Transient(() => client.NextNonceAsync(key.Address));
        var signed = LedgerClient.Sign(chain, key, nonce, body);
        var submitted = await Transient(() => client.SubmitAsync(signed));
        if (!submitted.Accepted && submitted.ErrorCode != "DuplicateTransaction")
            throw new Xunit.Sdk.XunitException($"{body.Kind}: refused {submitted.ErrorCode}: {submitted.Message}\n{Diagnostics()}");
        var wait = await client.WaitResubmittingAsync(signed, Settle);
        var outcome = new SendOutcome(signed, new SendResult(signed.Hash, null, null), wait.View, true, wait.Resubmissions, wait.Replaced);
        if (outcome.Resubmissions > 0) Note($"{body.Kind} {outcome.Hash}: resubmitted {outcome.Resubmissions}x");
        return outcome.Succeeded ? outcome : throw new Xunit.Sdk.XunitException($"{body.Kind}: {outcome.Describe()}\n{Diagnostics()}");
    }

    private async Task<T> Transient<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Settle;
        var noted = false;
        while (true)
        {
            try { return await call(); }
            catch (Exception e) when (LedgerClient.IsTransient(e) && DateTime.UtcNow < deadline)
            {
                if (!noted) Note($"transient, retrying: {e.Message}");
                noted = true;
                await Task.Delay(500);
            }
        }
    }

    /// <summary>The client's feeds equal the store's, event for event: each once, in order, none missing.</summary>
    private async Task ExpectStoreAsync(LedgerClient client, MarketFollower follower, World w, string when)
    {
        var credits = await StoreEventsAsync(client,
            "query($a: Address!) { account(address: $a) { rewardHistory(first: 100) { nodes { height sequence kind } } } }",
            new { a = Follower.Address.ToString() }, d => d.GetProperty("account").GetProperty("rewardHistory"));
        var datanet = await StoreEventsAsync(client,
            "query($d: Hash!) { marketEvents(datanet: $d, first: 100) { nodes { height sequence kind } } }",
            new { d = w.Datanet.ToString() }, d => d.GetProperty("marketEvents"));
        var started = _clock.Elapsed;
        try
        {
            await follower.WaitUntilAsync(f => f.Events("rewards").Count >= credits.Count && f.Events("datanet").Count >= datanet.Count,
                Settle, $"catch up {when}");
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{Diagnostics()}");
        }
        Note($"{when}: the client had the store's {credits.Count} credits and {datanet.Count} datanet events " +
             $"{(_clock.Elapsed - started).TotalSeconds:0.0} s after the last commit (load average {LoadAverage()}); {Latency(follower)}");
        Assert.Equal(credits, Keys(follower.Events("rewards")));
        Assert.Equal(datanet, Keys(follower.Events("datanet")));
    }

    private int _latencyFrom;

    /// <summary>From each event's block timestamp to the client's receipt, over the events since the last call: the
    /// live ones take one block feed hop, the recovered ones wait for the silo's death to be declared.</summary>
    private string Latency(MarketFollower follower)
    {
        var events = follower.Lines.Where(l => l["feed"] is not null).ToList();
        var ms = events.Skip(_latencyFrom)
            .Select(e => (long)e["at"]! - DateTimeOffset.Parse((string)e["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds())
            .Order().ToList();
        _latencyFrom = events.Count;
        return ms.Count == 0 ? "no new events" : $"{ms.Count} events, block to client p50 {ms[ms.Count / 2]} ms, max {ms[^1]} ms";
    }

    private static List<(long, int, string)> Keys(IEnumerable<System.Text.Json.Nodes.JsonObject> events) =>
        [.. events.Select(e => ((long)e["height"]!, (int)e["sequence"]!, (string)e["kind"]!))];

    private async Task<List<(long, int, string)>> StoreEventsAsync(LedgerClient client, string query, object variables,
        Func<JsonElement, JsonElement> connection)
    {
        var data = await Transient(() => client.QueryAsync(query, variables));
        var list = connection(data).GetProperty("nodes").EnumerateArray()
            .Select(n => (n.GetProperty("height").GetInt64(), n.GetProperty("sequence").GetInt32(), n.GetProperty("kind").GetString()!)).ToList();
        list.Reverse(); // newest first in the store's pages
        return list;
    }

    private static Uri Url(NodeProcess n) => new($"http://127.0.0.1:{n.HttpPort}/graphql");

    private string Name(NodeProcess n) => ((char)('A' + _nodes.IndexOf(n))).ToString();

    private void Note(string line)
    {
        var text = $"{_clock.Elapsed.TotalSeconds,7:0.0} s  {line}";
        output.WriteLine(text);
        foreach (var n in _nodes) n.Note(line);
    }

    private string Diagnostics() => string.Join("\n", _nodes.Select(n => $"=== silo {Name(n)} ===\n{n.Tail(120)}"));

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
