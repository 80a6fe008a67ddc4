using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Storage.Ledger.Sql;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>A settlement's reward credits are stored as narrow rows of ledger_reward_credits, the rest of each event
/// read from its settlement's row: every event query answers exactly what the events themselves say, on both backends,
/// for a database written before the table existed (credits as rows of ledger_events) and after blocks are added to it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RewardCreditRowsTests(PostgresServerFixture pg)
{
    private static readonly Hash32 Tx = Keccak256.Hash("tx"), Inference = Keccak256.Hash("inference"), Model = Keccak256.Hash("model");
    private static readonly Address Payee = Address.Zero;

    private static MarketEvent Settled(int tx = 0) => new(MarketEventKind.InferenceSettled, tx, Tx, Inference, Payee, new Wei(9), Model: Model, Inference: Inference, Detail: "rec");

    private static MarketEvent Credit(int tx = 0, Hash32? model = null, Wei? amount = null) =>
        new(MarketEventKind.RewardCredited, tx, Tx, Inference, Payee, amount ?? new Wei(3), Model: model ?? Model, Inference: Inference, Detail: "owner");

    [Fact]
    public void Only_credits_that_directly_follow_their_settlement_and_share_its_columns_are_narrow()
    {
        var other = new MarketEvent(MarketEventKind.ModelUpdated, 1, Tx, Model, Payee);
        var events = new List<MarketEvent>
        {
            Credit(),                                   // 0: no settlement before it
            Settled(),                                  // 1
            Credit(), Credit(),                         // 2, 3: its credits
            Credit(model: Keccak256.Hash("else")),      // 4: another model: stored whole, and the run ends
            Credit(),                                   // 5: not directly after the settlement any more
            Settled(1), Credit(0),                      // 6, 7: another transaction's settlement
            Settled(1), Credit(1),                      // 8, 9
            other, Credit(1),                           // 10, 11: an event between
            Settled(2), Credit(2) with { Amount = null }, Credit(2), // 12-14: a credit without an amount
        };
        Assert.Equal([-1, -1, 1, 1, -1, -1, -1, -1, -1, 8, -1, -1, -1, -1, -1], SqlRewardCredits.Classify(events));
    }

    [Fact]
    public async Task Sqlite_answers_every_event_query_from_old_and_new_layout_rows() =>
        await AnswersAsync(StorageBackend.Sqlite, TestChain.SqliteConnection(TestChain.TempDirectory("openledger-reward-rows")));

    [Fact]
    public async Task PostgreSQL_answers_every_event_query_from_old_and_new_layout_rows() =>
        await AnswersAsync(StorageBackend.PostgreSql, await pg.CreateDatabaseAsync("reward_credit_rows"));

    private static async Task AnswersAsync(StorageBackend backend, string conn)
    {
        var chain = new TestChain(accounts: 6);
        var store = new SqlLedgerStore(backend, conn);
        await store.InitializeAsync(chain.Rules);
        var (state, head) = await store.LoadStateAsync();
        var nonces = new Dictionary<Address, ulong>();
        var committed = new List<StoredEvent>();

        SignedTransaction Sign(PrivateKey k, ITxBody body)
        {
            var n = nonces.GetValueOrDefault(k.Address);
            nonces[k.Address] = n + 1;
            return new Transaction(chain.Rules.ChainId, k.Address, n, chain.GasPrice, body).Sign(k);
        }

        async Task BlockAsync(params SignedTransaction[] txs)
        {
            var verified = txs.Select(t =>
            {
                Assert.False(TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v).IsError);
                return v!;
            }).ToList();
            var executed = BlockExecutor.Execute(state, chain.Rules, head, head.TimestampMs + 1000, verified);
            Assert.All(executed.Receipts, r => Assert.Equal(ErrorCode.None, r.Error));
            await store.CommitBlockAsync(executed, chain.ProducerKey.Sign(executed.Header.Hash));
            head = executed.Header;
            committed.AddRange(executed.Events.Select((e, seq) => new StoredEvent(head.Height, seq, head.TimestampMs, e)));
        }

        var (owner, alice, bob, caller) = (chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3]);
        var create = Sign(owner, new CreateDatanet("d", "", [], "", TaskKind.Text, new Wei(100), new Wei(1_000), ForfeitRule.Treasury, []));
        var datanet = create.Hash;
        await BlockAsync(create);
        var contributions = new[] { alice, bob, alice }
            .Select((k, i) => Sign(k, new Contribute(datanet, Keccak256.Hash($"content {i}"), Keccak256.Hash($"normalized {i}"), 2_000))).ToArray();
        await BlockAsync(contributions);
        await BlockAsync([.. contributions.Select(c => Sign(owner, new Curate(c.Hash, true, ""))), Sign(owner, new PublishVersion(datanet))]);
        var register = Sign(owner, new RegisterModel("m", "base", Keccak256.Hash("a"), [DatanetVersion.IdOf(datanet, 1)], Keccak256.Hash("r"), new Wei(1_000_003), 6_000, 3_000, 1_000));
        await BlockAsync(register);

        var settlement = 0;
        async Task SettleAsync(int inOneBlock)
        {
            var requests = new List<SignedTransaction>();
            for (int i = 0; i < inOneBlock; i++, settlement++)
                requests.Add(Sign(caller, new RequestInference(register.Hash, Keccak256.Hash($"in {settlement}"), new Wei(2_000_000 + (ulong)settlement))));
            await BlockAsync([.. requests, .. requests.Select(r => Sign(chain.ServingOperator, new PostResult(r.Hash, Keccak256.Hash("out"))))]);
            // Each settlement pays a different subset and weights; a transfer between them in the block.
            await BlockAsync([.. requests.SelectMany((r, i) => new[]
            {
                Sign(chain.AttributionOperator, new SettleAttribution(r.Hash, Keccak256.Hash("rec"),
                    i % 2 == 0 ? [contributions[0].Hash, contributions[1].Hash, contributions[2].Hash] : [contributions[2].Hash], i % 2 == 0 ? [3, 2, 1] : [1])),
                Sign(bob, new Transfer(caller.Address, new Wei(1))),
            })]);
        }

        await SettleAsync(1);
        await SettleAsync(3);
        var queries = Queries(alice.Address, bob.Address, datanet, register.Hash, contributions.Select(c => c.Hash).ToArray(), committed).ToList();
        var settledEvents = committed.Count(e => e.Event.Kind == MarketEventKind.InferenceSettled);
        Assert.Equal(4, settledEvents);
        Assert.Equal(committed.Count(e => e.Event.Kind == MarketEventKind.RewardCredited), await CountRowsAsync(backend, conn, "ledger_reward_credits"));
        await AssertAnswersAsync(store, queries, committed);

        // The layout before ledger_reward_credits: every credit a whole row of ledger_events. Reopened, the store
        // creates the table again (empty) and reads those rows where they are.
        await store.DisposeAsync();
        await ExecAsync(backend, conn, """
            INSERT INTO ledger_events (height, seq, tx_index, tx_hash, kind, subject, party, amount, datanet, model, contribution, inference, detail)
            SELECT r.height, r.seq, s.tx_index, s.tx_hash, 12, s.subject, r.party, r.amount, r.datanet, s.model, r.contribution, s.inference, r.detail
            FROM ledger_reward_credits r JOIN ledger_events s ON s.height = r.height AND s.seq = r.settled_seq;
            DROP TABLE ledger_reward_credits;
            """);
        store = new SqlLedgerStore(backend, conn);
        await store.InitializeAsync(chain.Rules);
        Assert.Equal(0, await CountRowsAsync(backend, conn, "ledger_reward_credits"));
        var (reloaded, reloadedHead) = await store.LoadStateAsync();
        Assert.Equal(head.Hash, reloadedHead.Hash);
        Assert.Equal(state.StateRoot(), reloaded.StateRoot());
        await AssertAnswersAsync(store, queries, committed);

        // New blocks on the old data: answers merge rows of both layouts in block order.
        await SettleAsync(2);
        Assert.Equal(6, committed.Count(e => e.Event.Kind == MarketEventKind.InferenceSettled));
        Assert.True(await CountRowsAsync(backend, conn, "ledger_reward_credits") > 0);
        queries = Queries(alice.Address, bob.Address, datanet, register.Hash, contributions.Select(c => c.Hash).ToArray(), committed).ToList();
        await AssertAnswersAsync(store, queries, committed);
        await store.DisposeAsync();
    }

    /// <summary>Every shape of query the node asks: by payee, model, subject, datanet, contribution and kinds, with
    /// pages small enough to cross between tables and cursors in the middle of a settlement's credits.</summary>
    private static IEnumerable<EventQuery> Queries(Address alice, Address bob, Hash32 datanet, Hash32 model, Hash32[] contributions, List<StoredEvent> committed)
    {
        IReadOnlyList<MarketEventKind> credits = [MarketEventKind.RewardCredited];
        var firstSubject = committed.First(e => e.Event.Kind == MarketEventKind.InferenceSettled).Event.Subject;
        var lastSubject = committed.Last(e => e.Event.Kind == MarketEventKind.InferenceSettled).Event.Subject;
        var middle = committed.Where(e => e.Event.Kind == MarketEventKind.RewardCredited).ElementAt(5);
        var bases = new List<EventQuery>
        {
            new(), new(Kinds: credits), new(Kinds: [MarketEventKind.RewardCredited, MarketEventKind.InferenceSettled]),
            new(Kinds: [MarketEventKind.ContributionAdded]),
            new(Party: alice), new(Party: alice, Kinds: credits), new(Party: bob, Kinds: credits), new(Party: bob),
            new(Model: model), new(Model: model, Kinds: credits), new(Model: model, Kinds: [MarketEventKind.InferenceSettled]),
            new(Model: model, Party: alice, Kinds: credits),
            new(Datanet: datanet), new(Datanet: datanet, Kinds: credits),
            new(Subject: firstSubject), new(Subject: lastSubject), new(Subject: lastSubject, Kinds: credits),
            new(Contribution: contributions[2]), new(Contribution: contributions[2], Kinds: credits),
            new(Contribution: contributions[0], Party: alice, Kinds: credits), new(Contribution: contributions[1], Party: alice, Kinds: credits),
        };
        foreach (var q in bases)
        {
            yield return q;
            yield return q with { Limit = 3 };
            yield return q with { BeforeHeight = middle.Height, BeforeSeq = middle.Seq, Limit = 4 };
        }
    }

    /// <summary>What a query should return, from the events as executed: the filters, the rule that a datanet's feed
    /// and a model's feed leave reward credits out unless credits alone are asked for, newest first, one page.</summary>
    private static List<StoredEvent> Expected(EventQuery q, List<StoredEvent> committed)
    {
        var creditsOnly = (q.Model is not null || q.Contribution is not null) && q.Datanet is null && q.Kinds is [MarketEventKind.RewardCredited];
        return committed.Where(s =>
        {
            var e = s.Event;
            if (q.Party is { } p && e.Party != p) return false;
            if (q.Datanet is { } d && e.Datanet != d) return false;
            if (q.Model is { } m && e.Model != m) return false;
            if (q.Subject is { } sub && e.Subject != sub) return false;
            if (q.Contribution is { } c && e.Contribution != c) return false;
            if (q.Kinds is { Count: > 0 } k && !k.Contains(e.Kind)) return false;
            if (!creditsOnly && (q.Datanet is not null || q.Model is not null) && e.Kind == MarketEventKind.RewardCredited) return false;
            if (q.BeforeHeight is { } bh && (s.Height, s.Seq).CompareTo((bh, q.BeforeSeq)) >= 0) return false;
            return true;
        }).OrderByDescending(s => (s.Height, s.Seq)).Take(q.Limit).ToList();
    }

    private static async Task AssertAnswersAsync(SqlLedgerStore store, List<EventQuery> queries, List<StoredEvent> committed)
    {
        foreach (var q in queries)
        {
            var expected = Expected(q, committed);
            Assert.Equal(expected, await store.QueryEventsAsync(q));
            var all = Expected(q with { BeforeHeight = null, Limit = int.MaxValue }, committed).Count;
            Assert.Equal(all, await store.CountEventsAsync(q, 1_000));
            Assert.Equal(all > 2 ? null : all, await store.CountEventsAsync(q, 2));
        }
    }

    private static async Task<DbConnection> OpenAsync(StorageBackend backend, string conn)
    {
        DbConnection c = backend == StorageBackend.Sqlite ? new SqliteConnection(conn) : new NpgsqlConnection(conn);
        await c.OpenAsync();
        return c;
    }

    private static async Task ExecAsync(StorageBackend backend, string conn, string sql)
    {
        await using var c = await OpenAsync(backend, conn);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountRowsAsync(StorageBackend backend, string conn, string table)
    {
        await using var c = await OpenAsync(backend, conn);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
