using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>Marketplace objects and events through the store on both backends: blocks built by the core's executor are
/// committed, the state reloads to the same roots (objects at their tree index, approvals out of creation order),
/// queries page and filter, and the chain replays.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketStoreTests(PostgresServerFixture pg)
{
    [Fact]
    public async Task Sqlite_stores_and_reloads_the_marketplace() =>
        await StoresAndReloadsAsync(StorageBackend.Sqlite, TestChain.SqliteConnection(TestChain.TempDirectory("openledger-market-store")));

    [Fact]
    public async Task PostgreSQL_stores_and_reloads_the_marketplace() =>
        await StoresAndReloadsAsync(StorageBackend.PostgreSql, await pg.CreateDatabaseAsync("market_store"));

    [Fact]
    public async Task Sqlite_returns_a_pending_stake_at_the_curation_deadline_and_replays_it() =>
        await CurationDeadlineAsync(StorageBackend.Sqlite, TestChain.SqliteConnection(TestChain.TempDirectory("openledger-curation-deadline")));

    [Fact]
    public async Task PostgreSQL_returns_a_pending_stake_at_the_curation_deadline_and_replays_it() =>
        await CurationDeadlineAsync(StorageBackend.PostgreSql, await pg.CreateDatabaseAsync("curation_deadline"));

    /// <summary>Two contributions wait for curation (timeout 2 blocks); one is approved in time, the other expires at the
    /// start of the block after its deadline: committed, stored, reloaded and replayed.</summary>
    private static async Task CurationDeadlineAsync(StorageBackend backend, string conn)
    {
        var chain = new TestChain(accounts: 4, market: m => m.CurationTimeoutBlocks = 2);
        var store = new SqlLedgerStore(backend, conn);
        await store.InitializeAsync(chain.Rules);
        var (state, head) = await store.LoadStateAsync();
        var nonces = new Dictionary<Address, ulong>();
        SignedTransaction Sign(PrivateKey k, ITxBody body)
        {
            var n = nonces.GetValueOrDefault(k.Address);
            nonces[k.Address] = n + 1;
            return new Transaction(chain.Rules.ChainId, k.Address, n, chain.GasPrice, body).Sign(k);
        }
        async Task<ExecutedBlock> BlockAsync(params SignedTransaction[] txs)
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
            Assert.Equal(chain.Rules.TotalSupply.Value, state.TotalSupply());
            return executed;
        }

        var (owner, alice, bob) = (chain.Keys[0], chain.Keys[1], chain.Keys[2]);
        var stake = new Wei(1_000_000_000_000_000_003);
        var create = Sign(owner, new CreateDatanet("d", "", [], "", TaskKind.Text, new Wei(7), stake, ForfeitRule.Owner, [owner.Address]));
        await BlockAsync(create);
        var a = Sign(alice, new Contribute(create.Hash, Keccak256.Hash("a"), Keccak256.Hash("na"), 10));
        var b = Sign(bob, new Contribute(create.Hash, Keccak256.Hash("b"), Keccak256.Hash("nb"), 10));
        var contributed = await BlockAsync(a, b); // block 2: deadline block 4, expiry at the start of block 5
        Assert.Equal(4, ((Contribution)contributed.ChangedObjects.Single(o => o.Object.Id == a.Hash).Object).DeadlineHeight);
        var aliceAfterContributing = state.Get(alice.Address).Balance;
        var bobAfterContributing = state.Get(bob.Address).Balance;
        await BlockAsync(Sign(owner, new Curate(a.Hash, true, "")));
        await BlockAsync(); // block 4, the deadline: an empty block
        Assert.False(state.Market.HasExpiryDue(4));
        Assert.True(state.Market.HasExpiryDue(5)); // the producer seals block 5 even with no transaction waiting
        var expiry = await BlockAsync();
        Assert.Equal(5, expiry.Header.Height);

        // Balances exact to the wei: alice's stake came back at approval, bob's at the deadline; the owner got only fees.
        Assert.Equal(aliceAfterContributing + stake, state.Get(alice.Address).Balance);
        Assert.Equal(bobAfterContributing + stake, state.Get(bob.Address).Balance);
        Assert.Equal(Wei.Zero, state.Market.Held);

        // The store has the expired contribution, the datanet's counter and the event, and reloads to the same state.
        var stored = (Contribution)(await store.GetObjectAsync(b.Hash))!.Object;
        Assert.Equal((ContributionStatus.Expired, 5L), (stored.Status, stored.CuratedHeight));
        Assert.Equal(1, ((Datanet)(await store.GetObjectAsync(create.Hash))!.Object).Expired);
        var events = await store.QueryEventsAsync(new EventQuery(Party: bob.Address, Kinds: [MarketEventKind.ContributionExpired]));
        var e = Assert.Single(events);
        Assert.Equal((5L, -1, b.Hash, stake, "refund"), (e.Height, e.Event.TxIndex, e.Event.Subject, e.Event.Amount!.Value, e.Event.Detail));
        var expired = await store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, Parent: create.Hash, Status: (int)ContributionStatus.Expired));
        Assert.Equal([b.Hash], expired.Select(o => o.Object.Id));

        var (reloaded, reloadedHead) = await store.LoadStateAsync();
        Assert.Equal((head.Hash, state.StateRoot()), (reloadedHead.Hash, reloaded.StateRoot()));
        Assert.Equal(Wei.Zero, reloaded.Market.Held);
        Assert.False(reloaded.Market.HasExpiryDue(long.MaxValue / 2));
        var replay = ChainReplayer.Replay(chain.Rules, await store.ReadBlocksAsync().ToListAsync());
        Assert.True(replay.Ok, replay.ToString());
        Assert.Equal(state.StateRoot(), replay.State.StateRoot());
    }

    private static async Task StoresAndReloadsAsync(StorageBackend backend, string conn)
    {
        var chain = new TestChain(accounts: 6);
        var store = new SqlLedgerStore(backend, conn);
        await store.InitializeAsync(chain.Rules);
        var (state, head) = await store.LoadStateAsync();
        var nonces = new Dictionary<Address, ulong>();

        SignedTransaction Sign(PrivateKey k, ITxBody body)
        {
            var n = nonces.GetValueOrDefault(k.Address);
            nonces[k.Address] = n + 1;
            return new Transaction(chain.Rules.ChainId, k.Address, n, chain.GasPrice, body).Sign(k);
        }

        async Task<ExecutedBlock> BlockAsync(params SignedTransaction[] txs)
        {
            var verified = txs.Select(t =>
            {
                Assert.False(TransactionVerifier.Verify(t.Encode(), chain.Rules.ChainId, chain.Rules.MaxTransactionBytes, out var v).IsError);
                return v!;
            }).ToList();
            var executed = BlockExecutor.Execute(state, chain.Rules, head, head.TimestampMs + 1000, verified);
            Assert.Empty(executed.Excluded);
            Assert.All(executed.Receipts, r => Assert.Equal(ErrorCode.None, r.Error));
            await store.CommitBlockAsync(executed, chain.ProducerKey.Sign(executed.Header.Hash));
            head = executed.Header;
            return executed;
        }

        var (owner, alice, bob, caller) = (chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3]);
        var create = Sign(owner, new CreateDatanet("d", "", [], "", TaskKind.Text, new Wei(100), new Wei(1_000), ForfeitRule.Treasury, []));
        var datanet = create.Hash;
        await BlockAsync(create);
        var contributions = new[] { alice, bob, alice }
            .Select((k, i) => Sign(k, new Contribute(datanet, Keccak256.Hash($"content {i}"), Keccak256.Hash($"normalized {i}"), 2_000))).ToArray();
        await BlockAsync(contributions);
        // Approve in the reverse of creation order: reload must place approvals by index, not by creation.
        await BlockAsync(Sign(owner, new Curate(contributions[2].Hash, true, "")), Sign(owner, new Curate(contributions[0].Hash, true, "")),
            Sign(owner, new Curate(contributions[1].Hash, false, "off topic")), Sign(owner, new PublishVersion(datanet)));
        var register = Sign(owner, new RegisterModel("m", "base", Keccak256.Hash("a"), [DatanetVersion.IdOf(datanet, 1)], Keccak256.Hash("r"), new Wei(1_000_003), 6_000, 3_000, 1_000));
        await BlockAsync(register);
        var request = Sign(caller, new RequestInference(register.Hash, Keccak256.Hash("in"), new Wei(2_000_000)));
        await BlockAsync(request, Sign(chain.ServingOperator, new PostResult(request.Hash, Keccak256.Hash("out"))));
        var settled = await BlockAsync(Sign(chain.AttributionOperator, new SettleAttribution(request.Hash, Keccak256.Hash("rec"),
            [contributions[0].Hash, contributions[2].Hash], [2, 1])));
        Assert.Equal(5, settled.Events.Count); // settled, then protocol, owner and the two attributed contributions
        Assert.Equal(chain.Rules.TotalSupply.Value, state.TotalSupply());

        // Reload: the same state root, the same marketplace, the same held amount (nothing: the only escrow settled).
        var (reloaded, reloadedHead) = await store.LoadStateAsync();
        Assert.Equal(head.Hash, reloadedHead.Hash);
        Assert.Equal(state.StateRoot(), reloaded.StateRoot());
        Assert.Equal(state.Market.Root(), reloaded.Market.Root());
        Assert.Equal(state.Market.ApprovedContent(datanet), reloaded.Market.ApprovedContent(datanet));
        Assert.True(reloaded.Market.IsDuplicate(datanet, Keccak256.Hash("normalized 1")));
        Assert.Equal(Wei.Zero, reloaded.Market.Held);

        // Queries: by parent and status, by party, paging by index; events by party and kind, newest first.
        var approved = await store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, Parent: datanet, Status: (int)ContributionStatus.Approved));
        Assert.Equal([contributions[0].Hash, contributions[2].Hash], approved.Select(o => o.Object.Id));
        var byAlice = await store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, Party: alice.Address, Limit: 1));
        Assert.Single(byAlice);
        var next = await store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, Party: alice.Address, AfterIndex: byAlice[0].Index));
        Assert.Equal(contributions[2].Hash, next.Single().Object.Id);
        var rewards = await store.QueryEventsAsync(new EventQuery(Party: alice.Address, Kinds: [MarketEventKind.RewardCredited]));
        Assert.Equal(2, rewards.Count);
        Assert.True((rewards[0].Height, rewards[0].Seq).CompareTo((rewards[1].Height, rewards[1].Seq)) > 0);
        var older = await store.QueryEventsAsync(new EventQuery(Party: alice.Address, Kinds: [MarketEventKind.RewardCredited], BeforeHeight: rewards[0].Height, BeforeSeq: rewards[0].Seq));
        Assert.Equal(rewards[1].Seq, older.Single().Seq);
        // A model's events leave its reward credits to their own index: asked for alone, all four of the settlement.
        var modelEvents = await store.QueryEventsAsync(new EventQuery(Model: register.Hash));
        Assert.DoesNotContain(modelEvents, e => e.Event.Kind == MarketEventKind.RewardCredited);
        Assert.Contains(modelEvents, e => e.Event.Kind == MarketEventKind.InferenceSettled);
        var modelCredits = await store.QueryEventsAsync(new EventQuery(Model: register.Hash, Kinds: [MarketEventKind.RewardCredited]));
        Assert.Equal(["protocol", "owner", "contributor", "contributor"], modelCredits.OrderBy(e => e.Seq).Select(e => e.Event.Detail));
        // A contribution's credits through their own index (Contribution.influence): alice's two contributions apart.
        var firstCredits = await store.QueryEventsAsync(new EventQuery(Party: alice.Address, Kinds: [MarketEventKind.RewardCredited], Contribution: contributions[0].Hash));
        Assert.Equal(contributions[0].Hash, firstCredits.Single().Event.Contribution);
        Assert.Equal(1, await store.CountEventsAsync(new EventQuery(Kinds: [MarketEventKind.RewardCredited], Contribution: contributions[2].Hash), 10));
        Assert.Empty(await store.QueryEventsAsync(new EventQuery(Kinds: [MarketEventKind.RewardCredited], Contribution: contributions[1].Hash)));
        var inference = (InferenceRequest)(await store.GetObjectAsync(request.Hash))!.Object;
        Assert.Equal(InferenceStatus.Settled, inference.Status);
        Assert.Null(await store.GetObjectAsync(Keccak256.Hash("nothing")));

        var replay = ChainReplayer.Replay(chain.Rules, await store.ReadBlocksAsync().ToListAsync());
        Assert.True(replay.Ok, replay.ToString());
        Assert.Equal(state.StateRoot(), replay.State.StateRoot());
    }
}
