using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Mempool;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Core.Mempool;

/// <summary>Random sequences of submissions, block takes, commits through the real block executor, block faults,
/// producer restarts and time passing, against a small pool with tight budgets. After every step the pool's
/// invariants hold and every transaction it ever admitted is accounted for.</summary>
public class TransactionPoolPropertyTests
{
    private static readonly MempoolOptions Tight = new(Capacity: 24, MaxPerSender: 8, MaxNonceGap: 4, MaxBytes: 9_000,
        FutureTtlMs: 400, MaxFuturePerSender: 3, FutureSharePercent: 30, OperatorReservePercent: 25, ReplacementBumpPercent: 10);

    private const int Senders = 10; // sender 0 is the serving operator, sender 1 the producer

    /// <summary>One step: kind 0-5 submit, 6 take, 7 commit, 8 fault, 9 restart, 10 time passes.</summary>
    private sealed record Step(int Kind, int Sender, int NonceOffset, int Price, int Size, int Amount, int Pick);

    // Mostly submissions, so the pool fills and its budgets, caps and eviction order are what decide.
    private static readonly Gen<int> GKind = Gen.Frequency<int>((24, Gen.Int[0, 5]), (2, Gen.Const(6)), (2, Gen.Const(7)), (1, Gen.Const(8)),
        (1, Gen.Const(9)), (2, Gen.Const(10)));

    private static readonly Gen<Step> GStep = Gen.Select(GKind, Gen.Int[0, Senders - 1], Gen.Int[-1, 5], Gen.Int[0, 3],
        Gen.Frequency<int>((4, Gen.Const(0)), (1, Gen.Int[1, 1_800])), Gen.Int[0, 3], Gen.Int[0, 1_000],
        (kind, sender, offset, price, size, amount, pick) => new Step(kind, sender, offset, price, size, amount, pick));

    private enum Fate { Held, Committed, Evicted }

    [Fact]
    public void Budgets_hold_every_admitted_transaction_is_accounted_for_and_what_the_pool_hands_the_producer_always_executes()
    {
        GStep.Array[1, 150].Sample(Run, iter: 300);
    }

    private static void Run(Step[] steps)
    {
        var rules = PoolDriver.Chain.Rules with { MaxBlockGas = 600_000, MaxBlockTransactions = 6 };
        var d = new PoolDriver(Tight, rules);
        var (state, head) = GenesisBlock.Build(rules);
        var senders = new Address[Senders];
        senders[0] = rules.Market.ServingOperators[0];
        senders[1] = rules.Producer;
        for (int i = 2; i < Senders; i++) senders[i] = PoolDriver.Account($"p{i}");
        // Small balances, so the balance rule refuses some.
        foreach (var a in senders) state.Set(a, new AccountState(new Wei(d.Floor.Value * 21_000 * 12 + 40), 0));
        foreach (var a in senders) d.Pool.AddSender(a, state.Get(a));
        var supply = state.TotalSupply();

        var fate = new Dictionary<Hash32, Fate>();
        var info = new Dictionary<Hash32, VerifiedTransaction>();
        IReadOnlyList<VerifiedTransaction> inFlight = [];

        foreach (var step in steps)
        {
            var evictedBefore = d.Evicted.Count;
            switch (step.Kind)
            {
                case <= 5:
                {
                    var from = senders[step.Sender];
                    var (_, next, _) = d.Pool.PendingOf(from, 0);
                    var nonce = (ulong)Math.Max(0, (long)next + step.NonceOffset);
                    var price = d.Price((ulong)step.Price * 50_000_000); // 0, +5%, +10%, +15% of the 1 gwei floor
                    var tx = step.Size == 0
                        ? PoolDriver.Transfer(rules, from, nonce, price, new Wei((ulong)step.Amount))
                        : PoolDriver.Large(rules, from, nonce, price, step.Size);
                    var statusBefore = d.Pool.StatusOf(tx.Hash);
                    var displacedBefore = SnapshotPrices(d, fate, info);
                    var countBefore = d.Pool.Count;
                    var error = d.Admit(tx);
                    if (error.IsError)
                    {
                        Assert.Equal(evictedBefore, d.Evicted.Count); // a refusal changes nothing
                        Assert.Equal(countBefore, d.Pool.Count);
                        if (statusBefore == PoolStatus.Absent) Assert.NotEqual(PoolStatus.Ready, d.Pool.StatusOf(tx.Hash));
                        break;
                    }
                    Assert.Equal(PoolStatus.Absent, statusBefore);
                    fate[tx.Hash] = Fate.Held;
                    info[tx.Hash] = tx;
                    var incomingGapped = d.Pool.StatusOf(tx.Hash) == PoolStatus.Future;
                    foreach (var ev in d.Evicted.Skip(evictedBefore))
                    {
                        var victim = info[ev.Hash];
                        if (ev.Reason == EvictionReason.Replaced)
                        {
                            // Same sender and nonce, and the new one pays at least the bump.
                            Assert.Equal((victim.Sender, victim.Tx.Nonce), (tx.Sender, tx.Tx.Nonce));
                            Assert.True(ReplacementRule.TryMinimumPrice(victim.Tx.GasPrice, Tight.ReplacementBumpPercent, out var min) && tx.Tx.GasPrice >= min);
                            continue;
                        }
                        Assert.Equal(EvictionReason.Displaced, ev.Reason);
                        var (victimPrice, victimGapped) = displacedBefore[ev.Hash];
                        // Outranked: paid less, or was gapped at the same price while the newcomer is executable.
                        Assert.True(victimPrice < tx.Tx.GasPrice || (victimGapped && !incomingGapped && victimPrice == tx.Tx.GasPrice),
                            $"{ev.Hash} ({victimPrice}, gapped {victimGapped}) displaced by {tx.Tx.GasPrice} (gapped {incomingGapped})");
                        Assert.NotEqual(tx.Sender, victim.Sender);
                        if (d.Pool.IsOperator(victim.Sender)) Assert.True(d.Pool.IsOperator(tx.Sender), "a stranger displaced an operator");
                        if (incomingGapped) Assert.True(victimGapped, "a gapped transaction displaced a ready one");
                    }
                    break;
                }
                case 6:
                    if (inFlight.Count == 0) inFlight = d.Pool.Take(rules.MaxBlockTransactions, rules.MaxBlockGas).Transactions;
                    Assert.True(inFlight.Count <= rules.MaxBlockTransactions);
                    Assert.True((ulong)inFlight.Sum(t => (long)rules.GasOf(t.Tx.Kind)) <= rules.MaxBlockGas);
                    break;
                case 7:
                {
                    if (inFlight.Count == 0) break;
                    var executed = BlockExecutor.Execute(state, rules, head, head.TimestampMs + 1, inFlight);
                    // The pool hands over only what can pay now, in nonce order, within the block's limits.
                    Assert.Empty(executed.Excluded);
                    Assert.Equal(inFlight.Select(t => t.Hash), executed.Transactions.Select(t => t.Hash));
                    head = executed.Header;
                    d.Pool.OnBlockCommitted(executed.Transactions.Select(t => t.Hash), [],
                        executed.ChangedAccounts.Select(c => (c.Address, c.State)), d.Evicted);
                    foreach (var t in executed.Transactions) fate[t.Hash] = Fate.Committed;
                    inFlight = [];
                    break;
                }
                case 8:
                    if (inFlight.Count == 0) break;
                    // The producer's state is discarded (nothing executed here), the culprit (if known) dropped.
                    d.Pool.OnBlockFaulted(step.Pick % 2 == 0 ? inFlight[step.Pick % inFlight.Count].Hash : null, d.Evicted);
                    inFlight = [];
                    break;
                case 9:
                    d.Pool.ReturnInFlight();
                    inFlight = [];
                    break;
                default:
                    d.Now += step.Pick / 4;
                    d.Pool.Expire(d.Now, d.Evicted);
                    break;
            }
            foreach (var ev in d.Evicted.Skip(evictedBefore))
            {
                Assert.Equal(Fate.Held, fate[ev.Hash]);
                fate[ev.Hash] = Fate.Evicted;
            }
            Assert.Null(d.Pool.FindInconsistency());
            Assert.Equal(inFlight.Count, d.Pool.InFlightCount);
            // Every admitted transaction is held (ready, gapped or in flight), committed, or evicted with a reason.
            foreach (var (hash, f) in fate)
            {
                var status = d.Pool.StatusOf(hash);
                Assert.Equal(f == Fate.Held, status != PoolStatus.Absent);
                if (f == Fate.Evicted) Assert.True(d.Pool.TryGetEviction(hash, out _));
            }
            Assert.Equal(fate.Values.Count(f => f == Fate.Held), d.Pool.Count);
            // The ledger's supply is untouched by whatever the pool did.
            Assert.Equal(supply, state.TotalSupply());
        }
    }

    private static Dictionary<Hash32, (Wei Price, bool Gapped)> SnapshotPrices(PoolDriver d, Dictionary<Hash32, Fate> fate, Dictionary<Hash32, VerifiedTransaction> info) =>
        fate.Where(kv => kv.Value == Fate.Held)
            .ToDictionary(kv => kv.Key, kv => (info[kv.Key].Tx.GasPrice, d.Pool.StatusOf(kv.Key) == PoolStatus.Future));
}
