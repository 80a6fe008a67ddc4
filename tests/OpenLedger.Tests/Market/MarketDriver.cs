using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>A piece of contributed content as the chain sees it.</summary>
public sealed record Item(Hash32 Content, Hash32 Normalized, ulong Size)
{
    public static Item Of(string text)
    {
        var d = ContentHashes.Compute(System.Text.Encoding.UTF8.GetBytes(text));
        return new Item(d.ContentHash, d.NormalizedHash, (ulong)d.Size);
    }
}

/// <summary>Everything a state holds that a failed transaction must not change, except nonces and fees.</summary>
public sealed record Snapshot(Hash32 MarketRoot, Wei Held, int Objects, IReadOnlyDictionary<Address, AccountState> Accounts);

/// <summary>An in-memory chain for the marketplace tests: a dev genesis (the marketplace section adjustable), the
/// ledger state, a signer that tracks nonces, and the sealed blocks (for <see cref="ChainReplayer"/>). Every block
/// it executes is checked for supply conservation.</summary>
public sealed class MarketDriver
{
    public const string Seed = "openledger test seed";

    public GenesisConfig Genesis { get; }
    public ChainRules Rules { get; }
    public LedgerState State { get; }
    public BlockHeader GenesisHeader { get; }
    public BlockHeader Head { get; private set; }
    public List<SealedBlock> Blocks { get; } = [];
    public List<ExecutedBlock> Executed { get; } = [];
    public IReadOnlyList<PrivateKey> Keys { get; }
    public PrivateKey ProducerKey { get; } = DevChain.Producer(Seed);
    public PrivateKey Serving { get; } = DevChain.ServingOperator(Seed);
    public PrivateKey Attribution { get; } = DevChain.AttributionOperator(Seed);
    public Address Treasury => Rules.Market.Treasury;

    private readonly Dictionary<Address, ulong> _nonces = [];

    public MarketDriver(int accounts = 8, Action<MarketplaceConfig>? market = null)
    {
        Genesis = DevChain.Genesis(1_717, Seed, accounts, 1_000_000, 100, 20_000);
        market?.Invoke(Genesis.Marketplace);
        Rules = Genesis.ToRules();
        Keys = Genesis.DevAccounts!.Keys().ToList();
        (State, GenesisHeader) = GenesisBlock.Build(Rules);
        Head = GenesisHeader;
        Blocks.Add(new SealedBlock(GenesisHeader, default, []));
    }

    public long Height => Head.Height;
    public MarketState Market => State.Market;
    public Wei GasPrice => Rules.GasPriceFloor;
    public Wei FeeOf(TxKind kind) => new(Rules.GasPriceFloor.Value * Rules.GasOf(kind));
    public Wei Balance(Address a) => State.Get(a).Balance;
    public Wei Balance(PrivateKey k) => Balance(k.Address);
    public IEnumerable<MarketEvent> Events => Executed.SelectMany(e => e.Events);

    /// <summary>Signs with the sender's next nonce (counting transactions signed for the block being assembled).</summary>
    public SignedTransaction Sign(PrivateKey key, ITxBody body)
    {
        var a = key.Address;
        var nonce = _nonces.TryGetValue(a, out var n) ? n : State.Get(a).Nonce;
        _nonces[a] = nonce + 1;
        return new Transaction(Rules.ChainId, a, nonce, GasPrice, body).Sign(key);
    }

    public VerifiedTransaction Verify(SignedTransaction s)
    {
        var e = TransactionVerifier.Verify(s.Encode(), Rules.ChainId, Rules.MaxTransactionBytes, out var v);
        Assert.False(e.IsError, e.ToString());
        return v!;
    }

    /// <summary>Executes one block with these transactions, seals it and checks that the supply is conserved.</summary>
    public ExecutedBlock Block(params SignedTransaction[] txs)
    {
        var verified = txs.Select(Verify).ToList();
        var executed = BlockExecutor.Execute(State, Rules, Head, Head.TimestampMs + Rules.BlockIntervalMs, verified);
        _nonces.Clear();
        Blocks.Add(new SealedBlock(executed.Header, ProducerKey.Sign(executed.Header.Hash), executed.Transactions.Select(t => t.Raw).ToList()));
        Executed.Add(executed);
        Head = executed.Header;
        Assert.Equal(Rules.TotalSupply.Value, State.TotalSupply());
        Assert.Equal(State.StateRoot(), executed.Header.StateRoot);
        return executed;
    }

    public ExecutedBlock Last => Executed[^1];

    /// <summary>Runs one transaction alone in a block; returns its receipt (it must be included).</summary>
    public Receipt Run(PrivateKey key, ITxBody body)
    {
        var b = Block(Sign(key, body));
        Assert.Empty(b.Excluded);
        return Assert.Single(b.Receipts);
    }

    /// <summary>Runs one transaction that must succeed; returns its hash (the id of the object it creates, if any).</summary>
    public Hash32 Ok(PrivateKey key, ITxBody body)
    {
        var r = Run(key, body);
        Assert.True(r.Status == ReceiptStatus.Success, $"{body.Kind} failed: {r.Error}");
        return r.TxHash;
    }

    /// <summary>Asserts every receipt of a block succeeded.</summary>
    public static void AllOk(ExecutedBlock b)
    {
        Assert.Empty(b.Excluded);
        foreach (var r in b.Receipts) Assert.True(r.Status == ReceiptStatus.Success, $"tx {r.Index} failed: {r.Error}");
    }

    public Snapshot Take() => new(Market.Root(), Market.Held, Market.ObjectCount,
        State.Accounts().ToDictionary(a => a.Address, a => a.State));

    /// <summary>Runs a transaction that must fail with <paramref name="expected"/> in a FAILED receipt: its fee is paid
    /// to the producer and its nonce used, and nothing else changes (marketplace objects and root, held wei, every
    /// other account, no events).</summary>
    public Receipt Rejected(PrivateKey key, ITxBody body, ErrorCode expected)
    {
        var before = Take();
        var r = Run(key, body);
        Assert.Equal((ReceiptStatus.Failed, expected), (r.Status, r.Error));
        var fee = FeeOf(body.Kind);
        Assert.Equal(fee, r.Fee);
        AssertOnlyFeeChanged(before, key.Address, fee);
        Assert.Empty(Last.Events);
        return r;
    }

    public void AssertOnlyFeeChanged(Snapshot before, Address sender, Wei fee)
    {
        Assert.Equal(before.MarketRoot, Market.Root());
        Assert.Equal(before.Held, Market.Held);
        Assert.Equal(before.Objects, Market.ObjectCount);
        var after = State.Accounts().ToDictionary(a => a.Address, a => a.State);
        foreach (var (address, state) in after)
        {
            var old = before.Accounts.TryGetValue(address, out var o) ? o : AccountState.Empty;
            var expected = old;
            if (address == sender) expected = new AccountState(old.Balance - fee, old.Nonce + 1);
            if (address == Rules.Producer) expected = expected with { Balance = expected.Balance + fee };
            Assert.True(expected == state, $"account {address}: expected {expected}, found {state}");
        }
        // No account appeared except the producer's on its first fee.
        Assert.True(after.Keys.Except(before.Accounts.Keys).All(a => a == Rules.Producer));
    }

    // ---- transaction helpers ----

    public static CreateDatanet NewDatanet(string name, Wei feePerKb, Wei stake, ForfeitRule forfeit, params Address[] curators) =>
        new(name, "a datanet for tests", ["test", "market"], "CC-BY-4.0", TaskKind.Text, feePerKb, stake, forfeit, curators);

    public static Contribute Contribution(Hash32 datanet, Item item) => new(datanet, item.Content, item.Normalized, item.Size);

    public static RegisterModel NewModel(string name, Wei price, ushort owner, ushort contributors, ushort protocol, params Hash32[] versions) =>
        new(name, "gpt2-small", Keccak256.Hash("adapter " + name), versions, Keccak256.Hash("record " + name), price, owner, contributors, protocol);

    public static Hash32 H(string s) => Keccak256.Hash(s);

    /// <summary>The wei the marketplace should hold according to its objects: pending stakes and open escrows.</summary>
    public Wei HeldByObjects()
    {
        var held = Wei.Zero;
        foreach (var o in Market.Objects())
        {
            if (o is Contribution { Status: ContributionStatus.Pending } c) held += c.Stake;
            if (o is InferenceRequest { IsOpen: true } i) held += i.Escrow;
        }
        return held;
    }
}

/// <summary>A marketplace built up to a point every rule test can start from:
/// datanet A (owner K0, curator K1, stake, fee per KB, forfeit to the treasury) with c0..c2 by K2..K4, c2 and c0
/// approved (in that order), c1 rejected, version 1 published; datanet B (owner K7) with b0 approved and published;
/// model M (publisher K5) trained on A v1; c3 pending and c4 approved after version 1 (both by K2); inference I1
/// (caller K6) served, I2 only requested.</summary>
public sealed class World
{
    public MarketDriver D { get; }
    public PrivateKey Owner => D.Keys[0];
    public PrivateKey Curator => D.Keys[1];
    public PrivateKey Publisher => D.Keys[5];
    public PrivateKey Caller => D.Keys[6];
    public PrivateKey OtherOwner => D.Keys[7];
    public PrivateKey Stranger => D.Keys[8];
    public PrivateKey[] Contributors => [D.Keys[2], D.Keys[3], D.Keys[4]];

    public static readonly Wei FeePerKb = new(3_000_000_000_000_000);
    public static readonly Wei Stake = new(500_000_000_000_000_000);
    public static readonly Wei Price = new(1_000_000_000_000_000_007);

    public Hash32 A { get; }
    public Hash32 B { get; }
    public Hash32[] C { get; } = new Hash32[5];
    public Item[] Items { get; } = new Item[5];
    public Hash32 B0 { get; }
    public Item B0Item { get; }
    public Hash32 AV1 => DatanetVersion.IdOf(A, 1);
    public Hash32 BV1 => DatanetVersion.IdOf(B, 1);
    public Hash32 Model { get; }
    public Hash32 I1 { get; }
    public Hash32 I2 { get; }

    public World(MarketDriver? driver = null, ForfeitRule forfeit = ForfeitRule.Treasury)
    {
        D = driver ?? new MarketDriver(accounts: 9);
        for (int k = 0; k < 5; k++) Items[k] = Item.Of($"contribution {k}: " + new string((char)('a' + k), 100 + 700 * k));
        B0Item = Item.Of("datanet B's only contribution");

        var b1 = D.Block(
            D.Sign(Owner, MarketDriver.NewDatanet("A", FeePerKb, Stake, forfeit, Curator.Address)),
            D.Sign(OtherOwner, MarketDriver.NewDatanet("B", Wei.Zero, Wei.Zero, ForfeitRule.Owner)));
        MarketDriver.AllOk(b1);
        (A, B) = (b1.Receipts[0].TxHash, b1.Receipts[1].TxHash);

        var b2 = D.Block(
            D.Sign(Contributors[0], MarketDriver.Contribution(A, Items[0])),
            D.Sign(Contributors[1], MarketDriver.Contribution(A, Items[1])),
            D.Sign(Contributors[2], MarketDriver.Contribution(A, Items[2])),
            D.Sign(Contributors[0], MarketDriver.Contribution(B, B0Item)));
        MarketDriver.AllOk(b2);
        for (int k = 0; k < 3; k++) C[k] = b2.Receipts[k].TxHash;
        B0 = b2.Receipts[3].TxHash;

        MarketDriver.AllOk(D.Block(
            D.Sign(Curator, new Curate(C[2], true, "good")),
            D.Sign(Curator, new Curate(C[1], false, "off topic")),
            D.Sign(Curator, new Curate(C[0], true, "fine")),
            D.Sign(OtherOwner, new Curate(B0, true, ""))));

        MarketDriver.AllOk(D.Block(D.Sign(Owner, new PublishVersion(A)), D.Sign(OtherOwner, new PublishVersion(B))));

        Model = D.Ok(Publisher, MarketDriver.NewModel("M", Price, 6_500, 2_500, 1_000, AV1));

        var b6 = D.Block(
            D.Sign(Contributors[0], MarketDriver.Contribution(A, Items[3])),
            D.Sign(Contributors[0], MarketDriver.Contribution(A, Items[4])),
            D.Sign(Caller, new RequestInference(Model, MarketDriver.H("input 1"), Price)),
            D.Sign(Caller, new RequestInference(Model, MarketDriver.H("input 2"), Price)));
        MarketDriver.AllOk(b6);
        (C[3], C[4], I1, I2) = (b6.Receipts[0].TxHash, b6.Receipts[1].TxHash, b6.Receipts[2].TxHash, b6.Receipts[3].TxHash);

        MarketDriver.AllOk(D.Block(
            D.Sign(D.Serving, new PostResult(I1, MarketDriver.H("output 1"))),
            D.Sign(Curator, new Curate(C[4], true, "late"))));
    }

    /// <summary>A valid settlement of I1 (weights over the training set, c2 and c0).</summary>
    public SettleAttribution SettleI1(ulong w2 = 3, ulong w0 = 1) => new(I1, MarketDriver.H("record 1"), [C[2], C[0]], [w2, w0]);
}
