using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Mempool;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Core.Mempool;

/// <summary>The mempool policy (<see cref="TransactionPool"/>), rule by rule.</summary>
public class TransactionPoolTests
{
    private static readonly MempoolOptions Small = new(Capacity: 10, MaxPerSender: 100, MaxNonceGap: 64, MaxBytes: 1_000_000,
        FutureTtlMs: 60_000, MaxFuturePerSender: 100, FutureSharePercent: 100, OperatorReservePercent: 0);

    [Fact]
    public void A_ready_transaction_displaces_the_newest_gapped_one_at_equal_price_when_the_pool_is_full()
    {
        var d = new PoolDriver(Small);
        var attacker = d.Sender("attacker");
        var gapped = Enumerable.Range(1, 10).Select(n => d.Transfer(attacker, (ulong)n)).ToList();
        gapped.ForEach(d.AdmitOk);
        Assert.Equal(10, d.Pool.FutureCount);

        var alice = d.Sender("alice");
        var normal = d.Transfer(alice, 0);
        d.AdmitOk(normal);

        Assert.Equal(PoolStatus.Ready, d.Pool.StatusOf(normal.Hash));
        Assert.Equal(EvictionReason.Displaced, d.EvictionOf(gapped[^1]));
        Assert.All(gapped[..^1], t => Assert.Equal(PoolStatus.Future, d.Pool.StatusOf(t.Hash)));
        d.AssertConsistent();
    }

    [Fact]
    public void A_gapped_transaction_never_displaces_a_ready_one_and_is_refused_with_MempoolFull()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        for (ulong n = 0; n < 10; n++) d.AdmitOk(d.Transfer(alice, n));
        var bob = d.Sender("bob");
        var count = d.Pool.Count;

        var e = d.Admit(d.Transfer(bob, 1, d.Price(1_000_000)));

        Assert.Equal(ErrorCode.MempoolFull, e.Code);
        Assert.Equal(count, d.Pool.Count);
        Assert.Empty(d.Evicted);
    }

    [Fact]
    public void A_higher_paying_transaction_displaces_the_lowest_paying_evictable_one()
    {
        var d = new PoolDriver(Small);
        var held = new List<VerifiedTransaction>();
        for (int i = 0; i < 10; i++)
        {
            var s = d.Sender($"s{i}");
            held.Add(d.Transfer(s, 0, d.Price((ulong)(10 + i))));
        }
        held.ForEach(d.AdmitOk);
        var rich = d.Sender("rich");

        d.AdmitOk(d.Transfer(rich, 0, d.Price(15)));

        Assert.Equal([new Eviction(held[0].Hash, held[0].Sender, EvictionReason.Displaced)], d.Evicted);
        // One that pays no more than the cheapest left is refused and changes nothing.
        var e = d.Admit(d.Transfer(d.Sender("cheap"), 0, d.Price(11)));
        Assert.Equal(ErrorCode.MempoolFull, e.Code);
        Assert.Single(d.Evicted);
        d.AssertConsistent();
    }

    [Fact]
    public void Only_a_senders_last_ready_transaction_can_be_displaced_so_no_gap_is_left_behind()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        var run = Enumerable.Range(0, 10).Select(n => d.Transfer(alice, (ulong)n)).ToList();
        run.ForEach(d.AdmitOk);

        d.AdmitOk(d.Transfer(d.Sender("bob"), 0, d.Price(1)));

        Assert.Equal(EvictionReason.Displaced, d.EvictionOf(run[^1]));
        Assert.All(run[..^1], t => Assert.Equal(PoolStatus.Ready, d.Pool.StatusOf(t.Hash)));
        Assert.Equal(9UL, d.Pool.PendingOf(alice, 0).NextNonce);
        d.AssertConsistent();
    }

    [Fact]
    public void At_equal_price_the_newest_gapped_transaction_goes_first()
    {
        var d = new PoolDriver(Small);
        var gapped = new List<VerifiedTransaction>();
        for (int i = 0; i < 10; i++) gapped.Add(d.Transfer(d.Sender($"g{i}"), 1));
        gapped.ForEach(d.AdmitOk);

        d.AdmitOk(d.Transfer(d.Sender("x"), 0));
        d.AdmitOk(d.Transfer(d.Sender("y"), 0));

        Assert.Equal([gapped[9].Hash, gapped[8].Hash], d.Evicted.Select(e => e.Hash));
    }

    [Fact]
    public void Gapped_transactions_expire_after_their_time_to_live_and_ready_ones_do_not()
    {
        var d = new PoolDriver(Small with { FutureTtlMs = 5_000 });
        var alice = d.Sender("alice");
        var ready = d.Transfer(alice, 0);
        var gapped = d.Transfer(alice, 2);
        d.AdmitOk(ready);
        d.AdmitOk(gapped);

        d.Pool.Expire(d.Now + 4_999, d.Evicted);
        Assert.Equal(PoolStatus.Future, d.Pool.StatusOf(gapped.Hash));
        d.Pool.Expire(d.Now + 5_000, d.Evicted);

        Assert.Equal(EvictionReason.Expired, d.EvictionOf(gapped));
        Assert.Equal(PoolStatus.Ready, d.Pool.StatusOf(ready.Hash));
        d.AssertConsistent();
    }

    [Fact]
    public void Gapped_transactions_are_capped_per_sender_and_in_total_with_FutureQueueFull()
    {
        var d = new PoolDriver(Small with { Capacity = 100, MaxFuturePerSender = 3, FutureSharePercent = 5 });
        var a = d.Sender("a");
        for (ulong n = 1; n <= 3; n++) d.AdmitOk(d.Transfer(a, n));
        Assert.Equal(ErrorCode.FutureQueueFull, d.Admit(d.Transfer(a, 4)).Code);
        var b = d.Sender("b");
        d.AdmitOk(d.Transfer(b, 1));
        d.AdmitOk(d.Transfer(b, 2));
        Assert.Equal(5, d.Pool.FutureCount);
        // The global cap is full: a gapped one at the same price is refused; a higher-paying one displaces the newest.
        var c = d.Sender("c");
        Assert.Equal(ErrorCode.FutureQueueFull, d.Admit(d.Transfer(c, 1)).Code);
        d.AdmitOk(d.Transfer(c, 1, d.Price(1)));
        Assert.Equal(5, d.Pool.FutureCount);
        Assert.Equal(EvictionReason.Displaced, d.Evicted.Single().Reason);
        // A sender's own ready transactions are not capped by it.
        d.AdmitOk(d.Transfer(a, 0));
        Assert.Equal(4, d.Pool.ReadyCount);
        d.AssertConsistent();
    }

    [Fact]
    public void The_operator_reserve_admits_operators_when_strangers_have_filled_the_general_budget()
    {
        var d = new PoolDriver(Small with { Capacity = 20, OperatorReservePercent = 25 });
        for (int i = 0; i < 15; i++) d.AdmitOk(d.Transfer(d.Sender($"s{i}"), 0));
        var e = d.Admit(d.Transfer(d.Sender("stranger"), 0));
        Assert.Equal(ErrorCode.MempoolFull, e.Code);
        Assert.Contains("reserved for the operators", e.Message);

        var op = d.ServingOperator;
        d.Pool.AddSender(op, new AccountState(Wei.FromOpen(10), 0));
        for (ulong n = 0; n < 5; n++) d.AdmitOk(d.Transfer(op, n));
        Assert.Equal(20, d.Pool.Count);
        Assert.Empty(d.Evicted);
        Assert.True(d.Pool.IsOperator(d.Rules.Producer));
        Assert.True(d.Pool.IsOperator(d.Rules.Market.AttributionOperators[0]));
        d.AssertConsistent();
    }

    [Fact]
    public void Strangers_never_displace_an_operators_transaction_whatever_they_pay()
    {
        var d = new PoolDriver(Small with { Capacity = 4, OperatorReservePercent = 50 });
        var op = d.ServingOperator;
        d.Pool.AddSender(op, new AccountState(Wei.FromOpen(10), 0));
        for (ulong n = 0; n < 4; n++) d.AdmitOk(d.Transfer(op, n));

        var e = d.Admit(d.Transfer(d.Sender("whale"), 0, d.Price(1_000_000_000)));

        Assert.Equal(ErrorCode.MempoolFull, e.Code);
        Assert.Empty(d.Evicted);
    }

    [Fact]
    public void The_byte_budget_refuses_large_transactions_when_the_count_would_still_fit()
    {
        var large = PoolDriver.Large(PoolDriver.Chain.Rules, PoolDriver.Account("a"), 0, PoolDriver.Chain.Rules.GasPriceFloor, 1_500);
        var d = new PoolDriver(Small with { Capacity = 100, MaxBytes = 3L * large.Raw.Length });
        var a = d.Sender("a");
        for (ulong n = 0; n < 3; n++) d.AdmitOk(PoolDriver.Large(d.Rules, a, n, d.Floor, 1_500));
        var e = d.Admit(PoolDriver.Large(d.Rules, d.Sender("b"), 0, d.Floor, 1_500));
        Assert.Equal(ErrorCode.MempoolFull, e.Code);
        Assert.Contains("bytes", e.Message);
        Assert.Equal(3, d.Pool.Count);
        Assert.True(d.Pool.Bytes <= d.Pool.Options.MaxBytes);
    }

    [Fact]
    public void A_pending_transaction_is_replaced_only_by_one_paying_at_least_ten_percent_more_and_keeps_its_place()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        var bob = d.Sender("bob");
        var first = d.Transfer(alice, 0, new Wei(1_000_000_000));
        d.AdmitOk(first);
        d.AdmitOk(d.Transfer(bob, 0));

        var underpriced = d.Admit(d.Transfer(alice, 0, new Wei(1_099_999_999), new Wei(2)));
        Assert.Equal(ErrorCode.ReplacementUnderpriced, underpriced.Code);
        Assert.Contains("1100000000", underpriced.Message);
        Assert.Equal(PoolStatus.Ready, d.Pool.StatusOf(first.Hash));

        var replacement = d.Transfer(alice, 0, new Wei(1_100_000_000), new Wei(2));
        d.AdmitOk(replacement);
        Assert.Equal(EvictionReason.Replaced, d.EvictionOf(first));
        var taken = d.Pool.Take(10, ulong.MaxValue).Transactions;
        Assert.Equal(replacement.Hash, taken[0].Hash); // still ahead of bob's, admitted after the original
        d.AssertConsistent();
    }

    [Fact]
    public void An_in_flight_transaction_cannot_be_replaced()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        d.AdmitOk(d.Transfer(alice, 0));
        d.Pool.Take(10, ulong.MaxValue);

        var e = d.Admit(d.Transfer(alice, 0, d.Price(1_000_000_000)));

        Assert.Equal(ErrorCode.NonceTooLow, e.Code);
        Assert.Contains("being sealed", e.Message);
    }

    [Fact]
    public void A_replacement_must_still_fit_the_senders_balance()
    {
        var d = new PoolDriver(Small);
        var fee = new Wei(d.Floor.Value * 21_000);
        var alice = d.Sender("alice", balance: fee + fee + new Wei(10));
        d.AdmitOk(d.Transfer(alice, 0, amount: new Wei(1)));
        var e = d.Admit(d.Transfer(alice, 0, d.Price(d.Floor.Value), new Wei(11)));
        Assert.Equal(ErrorCode.InsufficientBalance, e.Code);
    }

    [Fact]
    public void Filling_a_gap_promotes_the_waiting_transactions_in_nonce_order()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        var bob = d.Sender("bob");
        var a2 = d.Transfer(alice, 2);
        var a1 = d.Transfer(alice, 1);
        d.AdmitOk(a2);
        d.AdmitOk(a1);
        var b0 = d.Transfer(bob, 0);
        d.AdmitOk(b0);
        var a0 = d.Transfer(alice, 0);
        d.AdmitOk(a0);

        var taken = d.Pool.Take(10, ulong.MaxValue).Transactions.Select(t => t.Hash).ToList();

        Assert.Equal([b0.Hash, a0.Hash, a1.Hash, a2.Hash], taken);
        d.AssertConsistent();
    }

    [Fact]
    public void The_mempool_refuses_with_the_ledgers_own_payment_rules()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice", nonce: 5);
        var low = d.Transfer(alice, 5, new Wei(1));
        Assert.Equal(PaymentChecks.GasPrice(d.Rules, low.Tx.GasPrice), d.Admit(low));
        Assert.Equal(PaymentChecks.Nonce(alice, 5, 4), d.Admit(d.Transfer(alice, 4)));
        var poor = d.Sender("poor", balance: new Wei(5));
        Assert.Equal(ErrorCode.InsufficientBalance, d.Admit(d.Transfer(poor, 0)).Code);
        var tx = d.Transfer(alice, 5);
        d.AdmitOk(tx);
        Assert.Equal(ErrorCode.DuplicateTransaction, d.Admit(tx).Code);
        Assert.Equal(ErrorCode.NonceGapTooLarge, d.Admit(d.Transfer(alice, 6 + 65)).Code);
    }

    [Fact]
    public void Take_stays_within_the_block_gas_and_count_and_says_when_more_wait()
    {
        var d = new PoolDriver(Small with { Capacity = 100 });
        var alice = d.Sender("alice");
        for (ulong n = 0; n < 10; n++) d.AdmitOk(d.Transfer(alice, n));

        var byGas = d.Pool.Take(100, 21_000 * 4 + 20_999);
        Assert.Equal(4, byGas.Transactions.Count);
        Assert.True(byGas.MoreWaiting);
        d.Pool.ReturnInFlight();
        var byCount = d.Pool.Take(3, ulong.MaxValue);
        Assert.Equal(3, byCount.Transactions.Count);
        Assert.True(byCount.MoreWaiting);
        Assert.Equal([0UL, 1, 2], byCount.Transactions.Select(t => t.Tx.Nonce));
    }

    [Fact]
    public void Transactions_a_block_did_not_take_for_its_gas_limit_return_to_their_place_and_all_commit()
    {
        // The finding: maxBlockGas 1,000,000 fits 47 transfers; the other 13 of 60 stayed in flight for good.
        var rules = PoolDriver.Chain.Rules with { MaxBlockGas = 1_000_000 };
        var d = new PoolDriver(Small with { Capacity = 1_000 }, rules);
        var (state, head) = GenesisBlock.Build(rules);
        var sender = PoolDriver.Chain.Keys[0].Address;
        d.Pool.AddSender(sender, state.Get(sender));
        var sent = Enumerable.Range(0, 60).Select(n => d.Transfer(sender, (ulong)n)).ToList();
        sent.ForEach(d.AdmitOk);

        var committed = new List<VerifiedTransaction>();
        for (int block = 0; block < 5 && d.Pool.Count > 0; block++)
        {
            // The producer asks for more than the gas allows: what does not fit must not be lost.
            var candidates = d.Pool.Take(rules.MaxBlockTransactions, ulong.MaxValue).Transactions;
            var executed = BlockExecutor.Execute(state, rules, head, head.TimestampMs + 1, candidates);
            head = executed.Header;
            committed.AddRange(executed.Transactions);
            d.Pool.OnBlockCommitted(executed.Transactions.Select(t => t.Hash), executed.Excluded.Select(e => e.Hash),
                executed.ChangedAccounts.Select(c => (c.Address, c.State)), d.Evicted);
            d.AssertConsistent();
            Assert.Equal(0, d.Pool.InFlightCount);
        }

        Assert.Equal(sent.Select(t => t.Hash), committed.Select(t => t.Hash));
        Assert.Empty(d.Evicted);
        Assert.Equal(60UL, state.Get(sender).Nonce);
    }

    [Fact]
    public void An_excluded_transaction_evicts_the_rest_of_its_senders_run_with_reasons()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        var run = Enumerable.Range(0, 4).Select(n => d.Transfer(alice, (ulong)n)).ToList();
        run.ForEach(d.AdmitOk);
        d.Pool.Take(2, ulong.MaxValue);

        d.Pool.OnBlockCommitted([run[0].Hash], [run[1].Hash], [(alice, new AccountState(Wei.FromOpen(999), 1))], d.Evicted);

        Assert.Equal(PoolStatus.Absent, d.Pool.StatusOf(run[0].Hash));
        Assert.Equal(EvictionReason.Excluded, d.EvictionOf(run[1]));
        Assert.Equal(EvictionReason.SenderReset, d.EvictionOf(run[2]));
        Assert.Equal(EvictionReason.SenderReset, d.EvictionOf(run[3]));
        Assert.Equal(1UL, d.Pool.PendingOf(alice, 0).NextNonce);
        d.AssertConsistent();
    }

    [Fact]
    public void A_block_fault_evicts_its_culprit_and_returns_the_rest_to_their_places()
    {
        var d = new PoolDriver(Small);
        var alice = d.Sender("alice");
        var bob = d.Sender("bob");
        var a0 = d.Transfer(alice, 0);
        var b0 = d.Transfer(bob, 0);
        var b1 = d.Transfer(bob, 1);
        new[] { a0, b0, b1 }.ToList().ForEach(d.AdmitOk);
        d.Pool.Take(10, ulong.MaxValue);

        d.Pool.OnBlockFaulted(b0.Hash, d.Evicted);

        Assert.Equal(EvictionReason.ExecutionFault, d.EvictionOf(b0));
        Assert.Equal(EvictionReason.SenderReset, d.EvictionOf(b1));
        Assert.Equal([a0.Hash], d.Pool.Take(10, ulong.MaxValue).Transactions.Select(t => t.Hash));
        d.AssertConsistent();
    }

    [Theory]
    [InlineData("100", 10, "110")]
    [InlineData("1", 10, "2")]        // rounded up: a replacement must pay something more
    [InlineData("0", 10, "0")]
    [InlineData("1000000000", 0, "1000000000")]
    [InlineData("999", 10, "1099")]
    public void The_replacement_bump_is_rounded_up(string pending, int percent, string minimum)
    {
        Assert.True(ReplacementRule.TryMinimumPrice(Wei.Parse(pending), percent, out var m));
        Assert.Equal(Wei.Parse(minimum), m);
    }

    [Fact]
    public void Nothing_replaces_a_transaction_at_the_largest_gas_price()
    {
        Assert.False(ReplacementRule.TryMinimumPrice(new Wei(UInt128.MaxValue), 10, out _));
        Assert.True(ReplacementRule.TryMinimumPrice(new Wei(UInt128.MaxValue / 2), 10, out var m));
        Assert.True(m > new Wei(UInt128.MaxValue / 2));
    }

    [Fact]
    public void Options_that_make_no_sense_are_refused_at_start()
    {
        Assert.Throws<ArgumentException>(() => new TransactionPool(PoolDriver.Chain.Rules, new MempoolOptions(Capacity: 0)));
        Assert.Throws<ArgumentException>(() => new TransactionPool(PoolDriver.Chain.Rules, new MempoolOptions(OperatorReservePercent: 100)));
        Assert.Equal(90, new MempoolOptions(Capacity: 100, OperatorReservePercent: 10).GeneralCapacity);
        Assert.Equal(900L, new MempoolOptions(MaxBytes: 1_000, OperatorReservePercent: 10).GeneralBytes);
        Assert.Equal(long.MaxValue - (long.MaxValue / 100 * 10 + long.MaxValue % 100 * 10 / 100),
            new MempoolOptions(MaxBytes: long.MaxValue, OperatorReservePercent: 10).GeneralBytes);
    }
}
