using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Mempool;

/// <summary>The mempool's policy as a plain class (like Neo's MemoryPool): what is admitted, what waits, what is
/// evicted, what the producer takes. No clock (time is passed in), no I/O, one thread (the mempool grain's).
/// <list type="bullet">
/// <item>Admission applies the ledger's own payment rules (<see cref="PaymentChecks"/>, <see cref="TransactionCost"/>)
/// to committed state plus the sender's pending transactions: nonce order, gas price at the floor, summed maximum
/// cost within the committed balance.</item>
/// <item>Two budgets, count and bytes; a share of both is reserved for the operators (producer, serving and
/// attribution operators), so strangers cannot starve results and settlements.</item>
/// <item>Gapped transactions (nonce ahead of the sender's next) are capped per sender and in total, live at most a
/// time to live, and are the first to go: when the pool is full an executable transaction displaces a gapped one
/// of the same or a lower price, and any transaction displaces one paying less per gas.</item>
/// <item>A pending (not in flight) transaction is replaced by the same sender and nonce at a price at least
/// <see cref="MempoolOptions.ReplacementBumpPercent"/> higher.</item>
/// <item>What the producer took but a block did not include or exclude (cut off by a block limit) returns to its
/// place in the ready queue.</item>
/// </list>
/// Every admitted transaction is at any time ready, gapped, in flight, committed, or evicted with a reason.</summary>
public sealed class TransactionPool
{
    private readonly ChainRules _rules;
    private readonly HashSet<Address> _operators;
    private readonly Dictionary<Hash32, PoolEntry> _entries = [];
    private readonly Dictionary<Address, SenderQueue> _senders = [];
    private readonly SortedSet<PoolEntry> _ready = new(EntryOrder.Ready);
    private readonly SortedSet<PoolEntry> _evictable = new(EntryOrder.Eviction);
    private readonly SortedSet<PoolEntry> _futureByAge = new(EntryOrder.Age);
    private readonly HashSet<PoolEntry> _inFlight = [];
    private readonly RecentEvictions _recent = new(65_536);
    private readonly List<PoolEntry> _victims = []; // reused by every admission: most need none
    private long _seq;
    private long _bytes, _operatorBytes;
    private UInt128 _readyGas;
    private int _operatorCount;

    public TransactionPool(ChainRules rules, MempoolOptions options)
    {
        _rules = rules;
        Options = options.Validated();
        _operators = [.. OperatorsOf(rules)];
    }

    public MempoolOptions Options { get; }

    /// <summary>The accounts whose transactions may use the reserved room: the producer and the marketplace's
    /// serving and attribution operators, as the genesis names them.</summary>
    public static IEnumerable<Address> OperatorsOf(ChainRules rules) =>
        [rules.Producer, .. rules.Market.ServingOperators, .. rules.Market.AttributionOperators];

    public bool IsOperator(Address address) => _operators.Contains(address);

    public int Count => _entries.Count;
    public long Bytes => _bytes;
    public int ReadyCount => _ready.Count;
    /// <summary>Summed gas of the ready queue: a block's worth waiting is a reason to seal early.</summary>
    public UInt128 ReadyGas => _readyGas;
    public int FutureCount => _futureByAge.Count;
    public int InFlightCount => _inFlight.Count;
    public int OperatorCount => _operatorCount;
    public long OperatorBytes => _operatorBytes;
    public long EvictedTotal { get; private set; }
    public int SenderCount => _senders.Count;

    // ---- senders ----------------------------------------------------------------------------------------------

    /// <summary>Whether the pool knows the sender's committed state (if not, load it and call <see cref="AddSender"/>
    /// before admitting its transactions: the caller batches those reads outside its turn).</summary>
    public bool KnowsSender(Address address) => _senders.ContainsKey(address);

    public void AddSender(Address address, AccountState committed) => _senders.TryAdd(address, new SenderQueue(committed));

    // ---- admission ---------------------------------------------------------------------------------------------

    /// <summary>Admits a verified transaction or says why not, with a stable code. Transactions it displaced are
    /// added to <paramref name="evicted"/>. The sender must be known (<see cref="AddSender"/>).</summary>
    public LedgerError Admit(VerifiedTransaction vtx, long nowMs, List<Eviction> evicted)
    {
        if (_entries.ContainsKey(vtx.Hash)) return new(ErrorCode.DuplicateTransaction, $"{vtx.Hash} is already pending");
        if (!_senders.TryGetValue(vtx.Sender, out var s))
            throw new InvalidOperationException($"sender {vtx.Sender} is not loaded: call AddSender before Admit");
        var tx = vtx.Tx;
        var error = PaymentChecks.GasPrice(_rules, tx.GasPrice);
        if (error.IsError) return error;
        error = TransactionCost.TryMaxCost(_rules, tx, out var cost);
        if (error.IsError) return error;
        // The checks' messages are formatted only to refuse: this runs for every transaction submitted.
        if (PaymentChecks.NonceCode(s.CommittedNonce, tx.Nonce) == ErrorCode.NonceTooLow)
            return PaymentChecks.Nonce(vtx.Sender, s.CommittedNonce, tx.Nonce);
        if (s.ByNonce.TryGetValue(tx.Nonce, out var pending)) return Replace(s, pending, vtx, cost, evicted);

        // Every nonce from the committed one to NextNonce is held (the run), so this one is at or beyond NextNonce.
        var future = PaymentChecks.NonceCode(s.NextNonce, tx.Nonce) == ErrorCode.NonceGapTooLarge;
        if (future && tx.Nonce - s.NextNonce > (ulong)Options.MaxNonceGap)
            return new(ErrorCode.NonceGapTooLarge, $"nonce {tx.Nonce} is more than {Options.MaxNonceGap} ahead of the next expected nonce {s.NextNonce}");
        if (s.ByNonce.Count >= Options.MaxPerSender)
            return new(ErrorCode.SenderQueueFull, $"{vtx.Sender} already has {s.ByNonce.Count} pending transactions");
        if (future && s.FutureCount >= Options.MaxFuturePerSender)
            return new(ErrorCode.FutureQueueFull, $"{vtx.Sender} already has {s.FutureCount} transactions waiting behind a nonce gap (at most {Options.MaxFuturePerSender}); send nonce {s.NextNonce} first");
        if (!Wei.TryAdd(s.PendingCost, cost, out var total))
            return new(ErrorCode.InsufficientBalance, $"the maximum costs of {vtx.Sender}'s pending transactions overflow");
        if (!PaymentChecks.Affords(s.CommittedBalance, total, out _))
            return PaymentChecks.Covers(s.CommittedBalance, total, $"its pending transactions ({s.PendingCost}) and this one's maximum cost", out _);

        var entry = new PoolEntry(vtx, cost, _rules.GasOf(tx.Kind), _operators.Contains(vtx.Sender), ++_seq, nowMs);
        error = PlanRoom(entry, future, count: 1, bytes: entry.Bytes, _victims);
        if (error.IsError) return error;
        foreach (var v in _victims) Evict(v, EvictionReason.Displaced, evicted);
        Insert(s, entry, future ? PoolStatus.Future : PoolStatus.Ready);
        return LedgerError.None;
    }

    private LedgerError Replace(SenderQueue s, PoolEntry pending, VerifiedTransaction vtx, Wei cost, List<Eviction> evicted)
    {
        var tx = vtx.Tx;
        if (pending.State == PoolStatus.InFlight)
            return new(ErrorCode.NonceTooLow, $"nonce {tx.Nonce} of {vtx.Sender} is taken by {pending.Hash}, which is being sealed into a block");
        if (!ReplacementRule.TryMinimumPrice(pending.Price, Options.ReplacementBumpPercent, out var minimum))
            return new(ErrorCode.ReplacementUnderpriced, $"nonce {tx.Nonce} of {vtx.Sender} is taken by pending {pending.Hash}, whose gas price {pending.Price} cannot be outbid by {Options.ReplacementBumpPercent}%");
        if (tx.GasPrice < minimum)
            return new(ErrorCode.ReplacementUnderpriced,
                $"nonce {tx.Nonce} of {vtx.Sender} is taken by pending {pending.Hash} at gas price {pending.Price}; a replacement must pay at least {minimum} (+{Options.ReplacementBumpPercent}%)");
        var others = s.PendingCost - pending.Cost;
        if (!Wei.TryAdd(others, cost, out var total))
            return new(ErrorCode.InsufficientBalance, $"the maximum costs of {vtx.Sender}'s pending transactions overflow");
        var error = PaymentChecks.Covers(s.CommittedBalance, total, $"its other pending transactions ({others}) and this replacement's maximum cost", out _);
        if (error.IsError) return error;

        var entry = new PoolEntry(vtx, cost, _rules.GasOf(tx.Kind), pending.IsOperator, ++_seq, pending.AdmittedAtMs);
        error = PlanRoom(entry, pending.State == PoolStatus.Future, count: 0, bytes: entry.Bytes - pending.Bytes, _victims);
        if (error.IsError) return error;
        foreach (var v in _victims) Evict(v, EvictionReason.Displaced, evicted);

        var state = pending.State;
        entry.ReadySeq = pending.ReadySeq; // the replacement keeps its place in the ready queue
        RemoveEntry(pending);
        Record(pending, EvictionReason.Replaced, evicted);
        Insert(s, entry, state, keepReadySeq: true);
        return LedgerError.None;
    }

    /// <summary>Finds the entries to evict so <paramref name="incoming"/> fits every budget, without changing anything;
    /// an error when it cannot fit. Victims yield only to a transaction that outranks them (pays more per gas, or is
    /// executable where they are gapped at the same price), never belong to the incoming's own sender, are never in
    /// flight, are never an operator's when the incoming is not, and are gapped when the incoming is gapped.</summary>
    private LedgerError PlanRoom(PoolEntry incoming, bool incomingFuture, int count, long bytes, List<PoolEntry> victims)
    {
        var o = Options;
        long totalCount = (long)Count + count - o.Capacity;
        long totalBytes = _bytes + bytes - o.MaxBytes;
        long generalCount = incoming.IsOperator ? 0 : (long)(Count - _operatorCount) + count - o.GeneralCapacity;
        long generalBytes = incoming.IsOperator ? 0 : _bytes - _operatorBytes + bytes - o.GeneralBytes;
        long future = incomingFuture && count > 0 ? (long)FutureCount + 1 - o.MaxFuture : 0;
        bool Fits() => totalCount <= 0 && totalBytes <= 0 && generalCount <= 0 && generalBytes <= 0 && future <= 0;
        victims.Clear();
        if (Fits()) return LedgerError.None;

        foreach (var v in _evictable)
        {
            if (v.Price > incoming.Price) break; // the order is by price: nothing further yields
            if (v.Sender == incoming.Sender || (v.IsOperator && !incoming.IsOperator)) continue;
            var gapped = v.State == PoolStatus.Future;
            if (incomingFuture && !gapped) continue;
            if (v.Price == incoming.Price && (incomingFuture || !gapped)) continue;
            var helps = totalCount > 0 || totalBytes > 0 || (gapped && future > 0) || (!v.IsOperator && (generalCount > 0 || generalBytes > 0));
            if (!helps) continue;
            victims.Add(v);
            totalCount--;
            totalBytes -= v.Bytes;
            if (!v.IsOperator) { generalCount--; generalBytes -= v.Bytes; }
            if (gapped) future--;
            if (Fits()) return LedgerError.None;
        }
        victims.Clear();
        if (future > 0 && totalCount <= 0 && totalBytes <= 0 && generalCount <= 0 && generalBytes <= 0)
            return new(ErrorCode.FutureQueueFull,
                $"the mempool holds its maximum of {o.MaxFuture} transactions waiting behind nonce gaps and none pays less than {incoming.Price}; send the missing nonce first");
        var reserved = !incoming.IsOperator && (generalCount > 0 || generalBytes > 0) && totalCount <= 0 && totalBytes <= 0
            ? $"; the remaining {o.OperatorReservePercent}% is reserved for the operators" : "";
        var what = totalCount > 0 || generalCount > 0 ? $"{(incoming.IsOperator ? o.Capacity : o.GeneralCapacity)} transactions" : $"{(incoming.IsOperator ? o.MaxBytes : o.GeneralBytes)} bytes";
        return new(ErrorCode.MempoolFull, $"the mempool holds its maximum of {what} and none it could evict pays less than {incoming.Price} per gas{reserved}; retry after the next block or pay more");
    }

    // ---- the producer's side ------------------------------------------------------------------------------------

    /// <summary>Takes ready transactions in queue order for the next block, at most <paramref name="maxCount"/> and
    /// <paramref name="maxGas"/> in all; they stay held (in flight) until the block that holds them commits. Stops at
    /// the first that does not fit, so a sender's run is never taken out of nonce order.</summary>
    public BlockCandidates Take(int maxCount, ulong maxGas)
    {
        var taken = new List<VerifiedTransaction>(Math.Min(maxCount, _ready.Count));
        ulong gas = 0;
        while (_ready.Count > 0 && taken.Count < maxCount)
        {
            var e = _ready.Min!;
            if (maxGas - gas < e.Gas) break;
            Detach(e);
            Attach(e, PoolStatus.InFlight);
            taken.Add(e.Tx);
            gas += e.Gas;
        }
        return new BlockCandidates(taken, gas, _ready.Count > 0);
    }

    /// <summary>Everything in flight goes back to its place in the ready queue (the producer restarted, or a block
    /// failed and its changes were discarded).</summary>
    public void ReturnInFlight()
    {
        if (_inFlight.Count == 0) return;
        var senders = new HashSet<SenderQueue>();
        foreach (var e in _inFlight.ToList())
        {
            Detach(e);
            Attach(e, PoolStatus.Ready);
            senders.Add(_senders[e.Sender]);
        }
        foreach (var s in senders) UpdateTail(s);
    }

    /// <summary>A block committed: its included transactions leave; an excluded one is evicted with its sender's
    /// whole run (its nonce order is broken); senders' committed state advances; whatever was taken for this block
    /// and neither included nor excluded (cut off by a block limit) returns to its place in the ready queue.</summary>
    public void OnBlockCommitted(IEnumerable<Hash32> included, IEnumerable<Hash32> excluded,
        IEnumerable<(Address Address, AccountState State)> changedAccounts, List<Eviction> evicted)
    {
        var touched = new HashSet<SenderQueue>();
        foreach (var h in included)
            if (_entries.TryGetValue(h, out var e)) { RemoveEntry(e); touched.Add(_senders[e.Sender]); }
        var reset = new HashSet<SenderQueue>();
        foreach (var h in excluded)
            if (_entries.TryGetValue(h, out var e))
            {
                RemoveEntry(e);
                Record(e, EvictionReason.Excluded, evicted);
                reset.Add(_senders[e.Sender]);
            }
        foreach (var (address, state) in changedAccounts)
            if (_senders.TryGetValue(address, out var s))
            {
                s.CommittedNonce = state.Nonce;
                s.CommittedBalance = state.Balance;
                touched.Add(s);
            }
        foreach (var s in reset) { ResetSender(s, EvictionReason.SenderReset, evicted); touched.Remove(s); }
        ReturnInFlight();
        foreach (var s in touched) Normalize(s, evicted);
        ForgetIdleSenders();
    }

    /// <summary>The producer's block failed with a fault while executing <paramref name="culprit"/> (a bug, never a
    /// rule's refusal): the culprit is evicted with its sender's run so the chain keeps going without it; everything
    /// else in flight returns to its place.</summary>
    public void OnBlockFaulted(Hash32? culprit, List<Eviction> evicted)
    {
        if (culprit is { } h && _entries.TryGetValue(h, out var e))
        {
            var s = _senders[e.Sender];
            RemoveEntry(e);
            Record(e, EvictionReason.ExecutionFault, evicted);
            ResetSender(s, EvictionReason.SenderReset, evicted);
        }
        ReturnInFlight();
    }

    /// <summary>Evicts the gapped transactions whose time to live has passed.</summary>
    public void Expire(long nowMs, List<Eviction> evicted)
    {
        while (_futureByAge.Count > 0)
        {
            var e = _futureByAge.Min!;
            if (nowMs - e.AdmittedAtMs < Options.FutureTtlMs) break;
            Evict(e, EvictionReason.Expired, evicted);
        }
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    public PoolStatus StatusOf(Hash32 hash) => _entries.TryGetValue(hash, out var e) ? e.State : PoolStatus.Absent;

    public bool Contains(Hash32 hash) => _entries.ContainsKey(hash);

    /// <summary>Why a transaction was evicted, if it was among the last 65,536 evicted.</summary>
    public bool TryGetEviction(Hash32 hash, out EvictionReason reason) => _recent.TryGet(hash, out reason);

    /// <summary>A sender's pending count, the nonce it should sign next, and up to <paramref name="maxHashes"/> of its pending hashes.</summary>
    public (int Count, ulong NextNonce, IReadOnlyList<Hash32> Hashes) PendingOf(Address address, int maxHashes) =>
        _senders.TryGetValue(address, out var s)
            ? (s.ByNonce.Count, Math.Max(s.NextNonce, s.CommittedNonce), s.ByNonce.Values.Take(maxHashes).Select(e => e.Hash).ToList())
            : (0, 0UL, []);

    // ---- bookkeeping -------------------------------------------------------------------------------------------

    private void Insert(SenderQueue s, PoolEntry e, PoolStatus state, bool keepReadySeq = false)
    {
        _entries.Add(e.Hash, e);
        s.ByNonce.Add(e.Nonce, e);
        s.PendingCost += e.Cost;
        _bytes += e.Bytes;
        if (e.IsOperator) { _operatorCount++; _operatorBytes += e.Bytes; }
        if (state == PoolStatus.Future)
        {
            Attach(e, PoolStatus.Future);
            return;
        }
        if (!keepReadySeq) e.ReadySeq = ++_seq;
        Attach(e, state);
        if (e.Nonce == s.NextNonce)
        {
            s.NextNonce++;
            // The gap it filled may free gapped ones: they queue after it, in nonce order.
            while (s.ByNonce.TryGetValue(s.NextNonce, out var next) && next.State == PoolStatus.Future)
            {
                Detach(next);
                next.ReadySeq = ++_seq;
                Attach(next, PoolStatus.Ready);
                s.NextNonce++;
            }
        }
        UpdateTail(s);
    }

    /// <summary>Takes an entry out of the pool and its sender's queue (committed, evicted or replaced). The caller
    /// repairs the sender's run if the entry was in it.</summary>
    private void RemoveEntry(PoolEntry e)
    {
        var s = _senders[e.Sender];
        Detach(e);
        _entries.Remove(e.Hash);
        s.ByNonce.Remove(e.Nonce);
        s.PendingCost -= e.Cost;
        _bytes -= e.Bytes;
        if (e.IsOperator) { _operatorCount--; _operatorBytes -= e.Bytes; }
    }

    private void Evict(PoolEntry e, EvictionReason reason, List<Eviction> evicted)
    {
        var s = _senders[e.Sender];
        var wasInRun = e.State != PoolStatus.Future;
        RemoveEntry(e);
        Record(e, reason, evicted);
        if (!wasInRun) return;
        if (e.Nonce + 1 == s.NextNonce)
        {
            // The run's last one (the only ready one eviction picks): the run just ends earlier.
            s.NextNonce = e.Nonce;
            UpdateTail(s);
        }
        else Normalize(s, evicted);
    }

    private void ResetSender(SenderQueue s, EvictionReason reason, List<Eviction> evicted)
    {
        foreach (var e in s.ByNonce.Values.ToList())
        {
            RemoveEntry(e);
            Record(e, reason, evicted);
        }
        s.NextNonce = s.CommittedNonce;
        s.Tail = null;
    }

    /// <summary>Re-derives a sender's run from its committed nonce after the committed state moved: entries whose
    /// nonce was used are stale; the contiguous ones from the committed nonce are the run (gapped ones that joined it
    /// are promoted); ready ones left behind a gap wait as gapped.</summary>
    private void Normalize(SenderQueue s, List<Eviction> evicted)
    {
        while (s.ByNonce.Count > 0)
        {
            var first = s.ByNonce.First().Value;
            if (first.Nonce >= s.CommittedNonce || first.State == PoolStatus.InFlight) break;
            RemoveEntry(first);
            Record(first, EvictionReason.Stale, evicted);
        }
        var next = s.CommittedNonce;
        foreach (var e in s.ByNonce.Values.ToList())
        {
            if (e.Nonce < next) continue; // in flight below the committed nonce: its block is being committed
            if (e.Nonce == next)
            {
                if (e.State == PoolStatus.Future)
                {
                    Detach(e);
                    e.ReadySeq = ++_seq;
                    Attach(e, PoolStatus.Ready);
                }
                next++;
            }
            else if (e.State == PoolStatus.Ready)
            {
                Detach(e);
                Attach(e, PoolStatus.Future);
            }
        }
        s.NextNonce = next;
        UpdateTail(s);
    }

    /// <summary>Keeps exactly the sender's last ready entry of its run in the evictable set.</summary>
    private void UpdateTail(SenderQueue s)
    {
        PoolEntry? tail = null;
        if (s.NextNonce > s.CommittedNonce && s.ByNonce.TryGetValue(s.NextNonce - 1, out var last) && last.State == PoolStatus.Ready)
            tail = last;
        if (ReferenceEquals(tail, s.Tail)) return;
        if (s.Tail is { Evictable: true, State: PoolStatus.Ready } old)
        {
            _evictable.Remove(old);
            old.Evictable = false;
        }
        s.Tail = tail;
        if (tail is { Evictable: false })
        {
            _evictable.Add(tail);
            tail.Evictable = true;
        }
    }

    /// <summary>Takes an entry out of the set of its state (and the evictable set).</summary>
    private void Detach(PoolEntry e)
    {
        if (e.Evictable)
        {
            _evictable.Remove(e);
            e.Evictable = false;
        }
        var s = _senders[e.Sender];
        if (ReferenceEquals(s.Tail, e)) s.Tail = null;
        switch (e.State)
        {
            case PoolStatus.Ready:
                _ready.Remove(e);
                _readyGas -= e.Gas;
                break;
            case PoolStatus.Future:
                _futureByAge.Remove(e);
                s.FutureCount--;
                break;
            case PoolStatus.InFlight:
                _inFlight.Remove(e);
                break;
        }
        e.State = PoolStatus.Absent;
    }

    /// <summary>Puts a detached entry into the set of <paramref name="state"/>. A gapped entry is always evictable; a
    /// ready one only as its sender's tail (<see cref="UpdateTail"/>).</summary>
    private void Attach(PoolEntry e, PoolStatus state)
    {
        e.State = state;
        switch (state)
        {
            case PoolStatus.Ready:
                _ready.Add(e);
                _readyGas += e.Gas;
                break;
            case PoolStatus.Future:
                _futureByAge.Add(e);
                _senders[e.Sender].FutureCount++;
                _evictable.Add(e);
                e.Evictable = true;
                break;
            case PoolStatus.InFlight:
                _inFlight.Add(e);
                break;
            default:
                throw new InvalidOperationException($"cannot attach an entry as {state}");
        }
    }

    private void Record(PoolEntry e, EvictionReason reason, List<Eviction> evicted)
    {
        EvictedTotal++;
        _recent.Add(e.Hash, reason);
        evicted.Add(new Eviction(e.Hash, e.Sender, reason));
    }

    /// <summary>Keeps memory bounded: forgets senders with nothing pending once there are many (they are reloaded
    /// from the store when they return).</summary>
    private void ForgetIdleSenders()
    {
        if (_senders.Count <= 4L * Options.Capacity) return;
        foreach (var a in _senders.Where(kv => kv.Value.ByNonce.Count == 0).Select(kv => kv.Key).ToList()) _senders.Remove(a);
    }

    /// <summary>Checks the pool's internal invariants (for tests): null when they hold, else the first broken one.</summary>
    public string? FindInconsistency()
    {
        var o = Options;
        if (Count > o.Capacity) return $"count {Count} over capacity {o.Capacity}";
        if (_bytes > o.MaxBytes) return $"bytes {_bytes} over {o.MaxBytes}";
        if (Count - _operatorCount > o.GeneralCapacity) return $"non-operator count {Count - _operatorCount} over {o.GeneralCapacity}";
        if (_bytes - _operatorBytes > o.GeneralBytes) return $"non-operator bytes {_bytes - _operatorBytes} over {o.GeneralBytes}";
        if (FutureCount > o.MaxFuture) return $"gapped {FutureCount} over {o.MaxFuture}";
        if (_ready.Count + _futureByAge.Count + _inFlight.Count != Count) return "ready + gapped + in flight != count";
        if (_entries.Values.Sum(e => (long)e.Bytes) != _bytes) return "byte total drifted";
        if (_entries.Values.Count(e => e.IsOperator) != _operatorCount) return "operator count drifted";
        if (_entries.Values.Where(e => e.IsOperator).Sum(e => (long)e.Bytes) != _operatorBytes) return "operator bytes drifted";
        if (_ready.Aggregate(UInt128.Zero, (sum, e) => sum + e.Gas) != _readyGas) return "ready gas drifted";
        var evictable = 0;
        foreach (var (address, s) in _senders)
        {
            if (s.ByNonce.Count > o.MaxPerSender) return $"{address} holds {s.ByNonce.Count} > {o.MaxPerSender}";
            if (s.FutureCount > o.MaxFuturePerSender) return $"{address} has {s.FutureCount} gapped > {o.MaxFuturePerSender}";
            if (s.ByNonce.Values.Count(e => e.State == PoolStatus.Future) != s.FutureCount) return $"{address} gapped count drifted";
            var cost = Wei.Zero;
            foreach (var e in s.ByNonce.Values) cost += e.Cost;
            if (cost != s.PendingCost) return $"{address} pending cost drifted";
            long lastSeq = long.MinValue;
            var sawReady = false;
            for (var n = s.CommittedNonce; n < s.NextNonce; n++)
            {
                if (!s.ByNonce.TryGetValue(n, out var e)) return $"{address} run has a hole at {n}";
                if (e.State is not (PoolStatus.Ready or PoolStatus.InFlight)) return $"{address} run entry {n} is {e.State}";
                if (e.ReadySeq <= lastSeq) return $"{address} run is queued out of nonce order at {n}";
                if (e.State == PoolStatus.InFlight && sawReady) return $"{address} has {n} in flight after a ready one";
                sawReady |= e.State == PoolStatus.Ready;
                lastSeq = e.ReadySeq;
            }
            foreach (var e in s.ByNonce.Values)
            {
                if (!ReferenceEquals(_entries.GetValueOrDefault(e.Hash), e)) return $"{e.Hash} in {address}'s queue but not the pool";
                if (e.Nonce >= s.NextNonce && e.State != PoolStatus.Future) return $"{address} entry {e.Nonce} beyond the run is {e.State}";
                if (e.Nonce == s.NextNonce) return $"{address} entry {e.Nonce} should have joined the run";
                var shouldEvict = e.State == PoolStatus.Future || (e.State == PoolStatus.Ready && e.Nonce + 1 == s.NextNonce);
                if (e.Evictable != shouldEvict || _evictable.Contains(e) != shouldEvict) return $"{address} entry {e.Nonce} evictable = {e.Evictable}, expected {shouldEvict}";
                if (shouldEvict) evictable++;
            }
        }
        if (evictable != _evictable.Count) return $"evictable set holds {_evictable.Count}, expected {evictable}";
        if (_entries.Values.Any(e => !_senders.TryGetValue(e.Sender, out var s) || !ReferenceEquals(s.ByNonce.GetValueOrDefault(e.Nonce), e)))
            return "an entry is missing from its sender's queue";
        return null;
    }

    /// <summary>The last evictions by hash, bounded: a client asking about a transaction learns why it went.</summary>
    private sealed class RecentEvictions(int capacity)
    {
        private readonly Dictionary<Hash32, EvictionReason> _byHash = [];
        private readonly Queue<Hash32> _order = new();

        public void Add(Hash32 hash, EvictionReason reason)
        {
            if (_byHash.TryAdd(hash, reason)) _order.Enqueue(hash);
            else _byHash[hash] = reason;
            while (_order.Count > capacity) _byHash.Remove(_order.Dequeue());
        }

        public bool TryGet(Hash32 hash, out EvictionReason reason) => _byHash.TryGetValue(hash, out reason);
    }
}
