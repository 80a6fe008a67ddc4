using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Mempool;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>The mempool (one activation): orchestration over <see cref="TransactionPool"/>, where the policy lives.
/// The grain loads the committed state of senders the pool does not know (one batched read per submission), keeps
/// time for the pool (gapped transactions expire), reports evictions, and watches the producer.</summary>
public sealed class MempoolGrain(LedgerNode node, ILogger<MempoolGrain> logger) : Grain, IMempoolGrain
{
    private readonly TransactionPool _pool = new(node.Rules, node.Mempool);
    private readonly List<Eviction> _evicted = [];
    private long _admitted, _rejected;
    private long _lastTake = Environment.TickCount64;

    // The pool's clock: monotonic milliseconds (a wall-clock jump must not expire or revive gapped transactions).
    private static long Now => Environment.TickCount64;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The mempool lives in memory, so it must not be collected while idle; and it watches the producer:
        // if ready transactions wait and nobody has taken any for two intervals, the producer's activation was
        // lost (silo death, deactivation) and a call re-activates it, which resumes from the last committed block.
        var period = TimeSpan.FromMilliseconds(Math.Max(node.Rules.BlockIntervalMs, 250));
        this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    private async Task OnTickAsync(CancellationToken ct)
    {
        _pool.Expire(Now, _evicted);
        Report();
        if (_pool.ReadyCount == 0 || Environment.TickCount64 - _lastTake < 2L * node.Rules.BlockIntervalMs) return;
        _lastTake = Environment.TickCount64; // one wake-up per two intervals at most
        await GrainFactory.GetGrain<IBlockProducerGrain>(0).KeepAliveAsync();
    }

    public async Task<IReadOnlyList<SubmitResult>> AddAsync(TxBatch batch)
    {
        var unknown = batch.Transactions.Select(t => t.Sender).Where(s => !_pool.KnowsSender(s)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            var states = await node.Store.GetAccountsAsync(unknown);
            foreach (var a in unknown) _pool.AddSender(a, states.TryGetValue(a, out var st) ? st : AccountState.Empty);
        }
        var now = Now;
        _pool.Expire(now, _evicted);
        var results = new SubmitResult[batch.Transactions.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var tx = batch.Transactions[i];
            var error = _pool.Admit(tx, now, _evicted);
            results[i] = error.IsError ? SubmitResult.Fail(error, tx.Hash) : SubmitResult.Ok(tx.Hash);
            if (error.IsError) _rejected++; else _admitted++;
        }
        Report();
        if (_pool.ReadyCount >= node.Rules.MaxBlockTransactions || _pool.ReadyGas >= node.Rules.MaxBlockGas)
            await GrainFactory.GetGrain<IBlockProducerGrain>(0).NudgeAsync();
        return results;
    }

    public Task<TakenTransactions> TakeAsync(int max)
    {
        _lastTake = Environment.TickCount64;
        var taken = _pool.Take(max, node.Rules.MaxBlockGas);
        return Task.FromResult(new TakenTransactions(taken.Transactions, taken.MoreWaiting));
    }

    public Task OnBlockCommittedAsync(BlockCommitted block)
    {
        _pool.OnBlockCommitted(block.Included, block.Excluded,
            block.ChangedAccounts.Select(a => (a.Address, new AccountState(a.Balance, a.Nonce))), _evicted);
        Report();
        return Task.CompletedTask;
    }

    public Task OnBlockFaultedAsync(Hash32? culprit)
    {
        _pool.OnBlockFaulted(culprit, _evicted);
        Report();
        return Task.CompletedTask;
    }

    public Task ReturnInFlightAsync()
    {
        _pool.ReturnInFlight();
        return Task.CompletedTask;
    }

    public Task<MempoolStats> GetStatsAsync() =>
        Task.FromResult(new MempoolStats(_pool.Count, _pool.ReadyCount, _pool.InFlightCount, node.Mempool.Capacity, _admitted, _rejected)
        {
            Future = _pool.FutureCount,
            Bytes = _pool.Bytes,
            MaxBytes = node.Mempool.MaxBytes,
            Evicted = _pool.EvictedTotal,
        });

    public Task<bool> ContainsAsync(Hash32 hash) => Task.FromResult(_pool.Contains(hash));

    public Task<(int Count, ulong NextNonce, IReadOnlyList<Hash32> Hashes)> GetPendingAsync(Address address) =>
        Task.FromResult(_pool.PendingOf(address, 256));

    /// <summary>Counts the evictions since the last report by reason; the details go to the debug log.</summary>
    private void Report()
    {
        if (_evicted.Count == 0) return;
        foreach (var group in _evicted.GroupBy(e => e.Reason))
            LedgerMetrics.TransactionsEvicted.Add(group.Count(), new KeyValuePair<string, object?>("reason", group.Key.ToString()));
        if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("Mempool evicted {Count} transactions (first: {Hash} from {Sender}, {Reason})",
                _evicted.Count, _evicted[0].Hash, _evicted[0].Sender, _evicted[0].Reason);
        _evicted.Clear();
    }
}
