using ErrorCode = OpenLedger.Core.Ledger.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>The mempool (one activation). It admits a transaction only if it could execute after the sender's
/// already-pending ones: correct nonce order, a bounded nonce gap, gas price at the floor, and a summed maximum
/// cost within the committed balance. Ready transactions leave in admission order; a transaction with a nonce
/// gap waits until the gap fills.</summary>
public sealed class MempoolGrain(LedgerNode node) : Grain, IMempoolGrain
{
    private sealed class Sender
    {
        public ulong CommittedNonce;
        public Wei CommittedBalance;
        public ulong NextNonce;            // committed nonce + the contiguous run already admitted
        public Wei PendingCost;            // summed max cost of admitted, not yet committed transactions
        public readonly HashSet<Hash32> Hashes = []; // admitted, not yet committed
        public int Count => Hashes.Count;
        public readonly SortedDictionary<ulong, VerifiedTransaction> Future = [];
    }

    private readonly Dictionary<Hash32, (VerifiedTransaction Tx, Wei Cost)> _pending = [];
    private readonly Dictionary<Address, Sender> _senders = [];
    private readonly Queue<VerifiedTransaction> _ready = new();
    private readonly HashSet<Hash32> _inFlight = [];
    private long _admitted, _rejected;
    private long _lastTake = Environment.TickCount64;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The mempool lives in memory, so it must not be collected while idle; and it watches the producer:
        // if ready transactions wait and nobody has taken any for two intervals, the producer's activation was
        // lost (silo death, deactivation) and a call re-activates it, which resumes from the last committed block.
        var period = TimeSpan.FromMilliseconds(Math.Max(node.Rules.BlockIntervalMs, 250));
        this.RegisterGrainTimer(WatchProducerAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    private async Task WatchProducerAsync(CancellationToken ct)
    {
        if (_ready.Count == 0 || Environment.TickCount64 - _lastTake < 2L * node.Rules.BlockIntervalMs) return;
        _lastTake = Environment.TickCount64; // one wake-up per two intervals at most
        await GrainFactory.GetGrain<ISequencerGrain>(0).KeepAliveAsync();
    }

    public async Task<IReadOnlyList<SubmitResult>> AddAsync(TxBatch batch)
    {
        var unknown = batch.Transactions.Select(t => t.Sender).Where(s => !_senders.ContainsKey(s)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            var states = await node.Store.GetAccountsAsync(unknown);
            foreach (var a in unknown)
            {
                if (_senders.ContainsKey(a)) continue;
                var s = states.TryGetValue(a, out var st) ? st : AccountState.Empty;
                _senders[a] = new Sender { CommittedNonce = s.Nonce, NextNonce = s.Nonce, CommittedBalance = s.Balance };
            }
        }
        var results = new SubmitResult[batch.Transactions.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var tx = batch.Transactions[i];
            var error = Admit(tx);
            results[i] = error.IsError ? SubmitResult.Fail(error, tx.Hash) : SubmitResult.Ok(tx.Hash);
            if (error.IsError) _rejected++; else _admitted++;
        }
        if (_ready.Count >= node.Rules.MaxBlockTransactions)
            await GrainFactory.GetGrain<ISequencerGrain>(0).NudgeAsync();
        return results;
    }

    private LedgerError Admit(VerifiedTransaction vtx)
    {
        var tx = vtx.Tx;
        var opts = node.Mempool;
        if (_pending.ContainsKey(vtx.Hash)) return new(ErrorCode.DuplicateTransaction, $"{vtx.Hash} is already pending");
        if (_pending.Count >= opts.Capacity) return new(ErrorCode.MempoolFull, $"the mempool holds its maximum of {opts.Capacity} transactions; retry after the next block");
        var s = _senders[vtx.Sender];
        if (tx.Nonce < s.CommittedNonce) return new(ErrorCode.NonceTooLow, $"nonce {tx.Nonce} was already used; the next nonce of {vtx.Sender} is {s.CommittedNonce}");
        if (tx.Nonce < s.NextNonce || s.Future.ContainsKey(tx.Nonce))
            return new(ErrorCode.NonceTooLow, $"nonce {tx.Nonce} is taken by a pending transaction of {vtx.Sender}");
        if (tx.Nonce > s.NextNonce + (ulong)opts.MaxNonceGap)
            return new(ErrorCode.NonceGapTooLarge, $"nonce {tx.Nonce} is more than {opts.MaxNonceGap} ahead of the next expected nonce {s.NextNonce}");
        if (s.Count >= opts.MaxPerSender) return new(ErrorCode.SenderQueueFull, $"{vtx.Sender} already has {s.Count} pending transactions");
        if (tx.GasPrice < node.Rules.GasPriceFloor) return new(ErrorCode.GasPriceTooLow, $"gas price {tx.GasPrice} is below the floor {node.Rules.GasPriceFloor}");
        var costError = TransactionCost.TryMaxCost(node.Rules, tx, out var cost);
        if (costError.IsError) return costError;
        if (!Wei.TryAdd(s.PendingCost, cost, out var total) || total > s.CommittedBalance)
            return new(ErrorCode.InsufficientBalance, $"balance {s.CommittedBalance} cannot cover this transaction's maximum cost {cost} after the pending ones ({s.PendingCost})");

        _pending[vtx.Hash] = (vtx, cost);
        s.PendingCost = total;
        s.Hashes.Add(vtx.Hash);
        if (tx.Nonce == s.NextNonce)
        {
            _ready.Enqueue(vtx);
            s.NextNonce++;
            while (s.Future.Remove(s.NextNonce, out var next)) { _ready.Enqueue(next); s.NextNonce++; }
        }
        else s.Future[tx.Nonce] = vtx;
        return LedgerError.None;
    }

    public Task<TxBatch> TakeAsync(int max)
    {
        _lastTake = Environment.TickCount64;
        var list = new List<VerifiedTransaction>(Math.Min(max, _ready.Count));
        while (list.Count < max && _ready.TryDequeue(out var tx))
        {
            if (!_pending.ContainsKey(tx.Hash)) continue; // evicted meanwhile
            _inFlight.Add(tx.Hash);
            list.Add(tx);
        }
        return Task.FromResult(new TxBatch(list));
    }

    public Task OnBlockCommittedAsync(BlockCommitted block)
    {
        foreach (var h in block.Included) Remove(h);
        var evictSenders = new HashSet<Address>();
        foreach (var h in block.Excluded)
            if (_pending.TryGetValue(h, out var e)) { evictSenders.Add(e.Tx.Sender); Remove(h); }
        foreach (var a in block.ChangedAccounts)
        {
            if (!_senders.TryGetValue(a.Address, out var s)) continue;
            s.CommittedNonce = a.Nonce;
            s.CommittedBalance = a.Balance;
            if (s.NextNonce < a.Nonce) s.NextNonce = a.Nonce;
        }
        // A sender whose transaction was excluded has a broken nonce run: drop its waiting ones; it resubmits.
        foreach (var a in evictSenders) EvictSender(a);
        // Keep memory bounded: forget idle senders (they are reloaded from the store when they return).
        if (_senders.Count > 4 * node.Mempool.Capacity)
            foreach (var a in _senders.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList()) _senders.Remove(a);
        return Task.CompletedTask;
    }

    private void Remove(Hash32 hash)
    {
        _inFlight.Remove(hash);
        if (!_pending.Remove(hash, out var e)) return;
        var s = _senders[e.Tx.Sender];
        s.Hashes.Remove(hash);
        s.PendingCost -= e.Cost;
    }

    private void EvictSender(Address address)
    {
        var s = _senders[address];
        foreach (var h in s.Hashes.Where(h => !_inFlight.Contains(h)).ToList())
            Remove(h);
        s.Future.Clear();
        s.NextNonce = s.CommittedNonce + (ulong)s.Count;
    }

    public Task ReturnInFlightAsync()
    {
        if (_inFlight.Count == 0) return Task.CompletedTask;
        // Put them back in front, in their original order relative to the rest.
        var back = _pending.Values.Where(p => _inFlight.Contains(p.Tx.Hash)).Select(p => p.Tx)
            .OrderBy(t => t.Sender).ThenBy(t => t.Tx.Nonce).ToList();
        var rest = _ready.ToList();
        _ready.Clear();
        foreach (var t in back.Concat(rest)) _ready.Enqueue(t);
        _inFlight.Clear();
        return Task.CompletedTask;
    }

    public Task<MempoolStats> GetStatsAsync() =>
        Task.FromResult(new MempoolStats(_pending.Count, _ready.Count, _inFlight.Count, node.Mempool.Capacity, _admitted, _rejected));

    public Task<bool> ContainsAsync(Hash32 hash) => Task.FromResult(_pending.ContainsKey(hash));

    public Task<(int Count, ulong NextNonce, IReadOnlyList<Hash32> Hashes)> GetPendingAsync(Address address) =>
        Task.FromResult(_senders.TryGetValue(address, out var s)
            ? (s.Count, Math.Max(s.NextNonce, s.CommittedNonce), (IReadOnlyList<Hash32>)s.Hashes.Take(256).ToList())
            : (0, 0UL, (IReadOnlyList<Hash32>)[]));
}
