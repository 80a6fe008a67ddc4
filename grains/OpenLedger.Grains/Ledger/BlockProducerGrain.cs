using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Ledger;

/// <summary>What the producer keeps in Orleans grain storage: how often it has (re)started and from where.
/// The ledger itself lives in the ledger tables, committed block by block. The wire alias and the state name
/// ("sequencer") keep the grain's former name: the state name is the key of its row in existing databases, and the
/// alias is what silos of the previous version call this type.</summary>
[GenerateSerializer, Alias("openledger.SequencerState")]
public sealed class BlockProducerState
{
    [Id(0)] public int Activations { get; set; }
    [Id(1)] public long LastResumedHeight { get; set; }
    [Id(2)] public DateTimeOffset LastResumedAt { get; set; }
}

/// <summary>The block producer. Every interval (or at once when a full block waits) it takes executable
/// transactions from the mempool, runs them through the core's state transition, signs the header and commits
/// the block in one database transaction. Then it tells the mempool and the chain grain. On activation it
/// reloads the committed state (checked against the head's state root): nothing committed is lost and nothing is
/// applied twice. Its in-memory state is only ever the committed one or the block being built on it: if building
/// or committing a block fails, the block's changes are thrown away and the committed state reloaded.</summary>
public sealed class BlockProducerGrain(
    LedgerNode node,
    ILogger<BlockProducerGrain> logger,
    [PersistentState("sequencer", "ledger")] IPersistentState<BlockProducerState> meta) : Grain, IBlockProducerGrain
{
    // Null while the committed state must be reloaded (a block failed midway and the reload failed too).
    private LedgerState? _state;
    private BlockHeader _head = null!;
    private bool _producing;
    /// <summary>The last block whose events went to the market relay (unknown after activation): the relay links a
    /// stream's messages only across blocks it is told follow each other.</summary>
    private long _relayedHeight = MarketEventMessage.UnknownPrevious;
    private IGrainTimer? _timer;
    // The producer epoch this activation claimed (see ILedgerStore.ClaimProducerEpochAsync); null without a producer key.
    private long? _epoch;
    // Set when a commit was fenced: a newer activation produces now, and this one only waits to be deactivated.
    private bool _fenced;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Claim before loading: once claimed, a superseded producer can commit nothing more, so the state loaded next
        // is the one this activation builds on.
        if (node.ProducerKey is not null)
            _epoch = await node.Store.ClaimProducerEpochAsync(
                $"{Environment.MachineName} pid {Environment.ProcessId} activation {meta.State.Activations + 1}", cancellationToken);
        (_state, _head) = await node.Store.LoadStateAsync(cancellationToken);
        meta.State.Activations++;
        meta.State.LastResumedHeight = _head.Height;
        meta.State.LastResumedAt = DateTimeOffset.UtcNow;
        await meta.WriteStateAsync(cancellationToken);
        logger.LogInformation("Block producer activation #{N} (epoch {Epoch}) resumes at height {Height} ({Hash}), {Accounts} accounts",
            meta.State.Activations, _epoch, _head.Height, _head.Hash, _state!.AccountCount);
        // Whatever a previous activation took but never committed goes back to the ready queue.
        await GrainFactory.GetGrain<IMempoolGrain>(0).ReturnInFlightAsync();
        if (node.ProducerKey is not null)
        {
            var interval = TimeSpan.FromMilliseconds(node.Rules.BlockIntervalMs);
            _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true, Interleave = false });
        }
    }

    public Task<long> StartAsync() => Task.FromResult(_head.Height);

    public Task KeepAliveAsync() => Task.CompletedTask; // activation (OnActivateAsync) is the point

    public Task NudgeAsync() => node.ProducerKey is null ? Task.CompletedTask : ProduceAsync(tick: false, CancellationToken.None);

    /// <summary>A timer's period runs from the end of its callback, so producing a block would stretch every interval
    /// by the time it took. Re-arming the next tick from this tick's start keeps blocks one interval apart.</summary>
    private async Task OnTickAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await ProduceAsync(tick: true, ct);
        var interval = TimeSpan.FromMilliseconds(node.Rules.BlockIntervalMs);
        var left = interval - Stopwatch.GetElapsedTime(started);
        _timer?.Change(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), interval);
    }

    /// <summary>Seals blocks while transactions wait. On a timer <paramref name="tick"/> it also seals an empty block when
    /// the node makes empty blocks, or while anything with a block deadline is open (an inference's escrow, a pending
    /// contribution's stake): deadlines count blocks, so an idle chain must keep its height moving, one block per
    /// interval and no faster (a nudge never seals an empty block), for them to pass in a predictable time.</summary>
    private async Task ProduceAsync(bool tick, CancellationToken ct)
    {
        if (_producing || _fenced) return;
        _producing = true;
        try
        {
            var mempool = GrainFactory.GetGrain<IMempoolGrain>(0);
            while (true)
            {
                if (_state is null && !await ReloadAsync()) return;
                var state = _state!;
                var taken = await mempool.TakeAsync(node.Rules.MaxBlockTransactions);
                if (taken.Transactions.Count == 0 && !(tick && (node.ProduceEmptyBlocks || state.Market.HasOpenDeadline()))) return;
                var started = Stopwatch.GetTimestamp();
                var candidates = new CandidateCursor(taken.Transactions, node.ExecutionFaultForTests);
                ExecutedBlock executed;
                Core.Crypto.Signature signature;
                try
                {
                    // The executor applies the block to the state as it goes (its changes are only discarded by a reload).
                    executed = BlockExecutor.Execute(state, node.Rules, _head, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), candidates);
                    signature = node.ProducerKey!.Sign(executed.Header.Hash);
                }
                catch (Exception e)
                {
                    // A fault in execution is a bug, never a rule's refusal (those are values). Throw the half-applied
                    // state away, drop the transaction it was applying, and go on with the rest at the next block.
                    _state = null;
                    var culprit = candidates.Culprit?.Hash;
                    LedgerMetrics.BlockFaults.Add(1);
                    logger.LogError(e, "Executing block {Height} faulted (culprit: {Culprit}); its changes are discarded and the committed state reloaded",
                        _head.Height + 1, culprit?.ToString() ?? "none identified");
                    await mempool.OnBlockFaultedAsync(culprit);
                    await ReloadAsync();
                    return;
                }
                try
                {
                    await node.Store.CommitBlockAsync(executed, signature, _epoch!.Value, ct);
                }
                catch (ProducerFencedException e)
                {
                    // Another activation took over (this one was paused or cut off past its membership timeout). Retrying
                    // would only be fenced again: stop producing, give the block's transactions back, and deactivate.
                    _fenced = true;
                    _state = null;
                    _timer?.Dispose();
                    _timer = null;
                    logger.LogError(e, "Block producer fenced ({Code}) at block {Height}: epoch {Epoch} was superseded by epoch {Current}; this activation stops producing and deactivates",
                        e.Code, executed.Header.Height, e.Epoch, e.CurrentEpoch);
                    await mempool.ReturnInFlightAsync();
                    DeactivateOnIdle();
                    return;
                }
                catch (Exception e)
                {
                    // The in-memory state already holds the block's changes: throw it away and reload the committed one.
                    _state = null;
                    logger.LogError(e, "Committing block {Height} failed; reloading committed state", executed.Header.Height);
                    await mempool.ReturnInFlightAsync();
                    await ReloadAsync();
                    return;
                }
                _head = executed.Header;
                LedgerMetrics.BlocksCommitted.Add(1);
                LedgerMetrics.TransactionsCommitted.Add(executed.Transactions.Count);
                LedgerMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var committed = new BlockCommitted(
                    _head.Height, _head.Hash, _head.TimestampMs,
                    executed.TransactionHashes,
                    executed.Excluded.Select(e => e.Hash).ToList(),
                    executed.ChangedAccounts.Select(a => new AccountSnapshot(a.Address, a.State.Balance, a.State.Nonce, _head.Height)).ToList());
                // Watchers need not wait for the mempool's bookkeeping (it may be busy admitting a batch): tell both at once.
                await Task.WhenAll(mempool.OnBlockCommittedAsync(committed), GrainFactory.GetGrain<IChainGrain>(0).PublishAsync(committed));
                if (executed.Events.Count > 0)
                {
                    // One-way: streams never slow the producer. Subscribers dedupe by (height, sequence).
                    // The relay turns them into stream messages: that is off this turn too.
                    _ = GrainFactory.GetGrain<IMarketRelayGrain>(0).PublishBlockAsync(_head.Height, _head.TimestampMs, executed.Events.AsImmutable(), _relayedHeight);
                    _relayedHeight = _head.Height;
                }
                if (executed.Excluded.Count > 0)
                    logger.LogDebug("Block {Height}: {Excluded} transactions excluded (first: {Error})", _head.Height, executed.Excluded.Count, executed.Excluded[0].Error);
                // A block limit (count or gas) left ready transactions behind: seal the next block now rather than at the next tick.
                if (!taken.MoreWaiting) return;
            }
        }
        finally { _producing = false; }
    }

    /// <summary>Reloads the committed state and head from the store (one snapshot, checked against the head's state
    /// root). False if that failed: the producer then holds no state and retries at the next tick.</summary>
    private async Task<bool> ReloadAsync()
    {
        try
        {
            (_state, _head) = await node.Store.LoadStateAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            _state = null;
            logger.LogError(e, "Reloading the committed state failed; the producer retries at the next block interval");
            return false;
        }
    }
}
