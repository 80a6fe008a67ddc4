using System.Collections.Concurrent;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Genesis;

namespace OpenLedger.Tests.Failover;

/// <summary>Continuous signed transfers through a node's public GraphQL (<see cref="LedgerClient"/>), one lane per sender:
/// a lane signs a run of consecutive nonces, submits them in one request, and polls each until it is committed. A
/// transaction the node no longer knows (it was pending in the mempool of a silo that died) is resubmitted with the same
/// signed bytes, so it is never lost, only late; resubmissions are counted. What every lane saw committed (hash -> block
/// height) is kept for the check that the chain still says so at the end. Failed requests (a gateway whose silo just
/// died) are retried. A lane may send another kind than a transfer (<paramref name="body"/>, e.g. paid inferences) and
/// pause between runs (<paramref name="pause"/>). Shared by the failover test and the failover benchmark (linked there).</summary>
public sealed class TransferLoad(Uri node, ChainRules rules, IReadOnlyList<PrivateKey> senders, Address recipient, int perRequest = 5,
    Func<ITxBody>? body = null, TimeSpan? pause = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a transaction may be Unknown before it is resubmitted (it may be between the intake and the mempool).</summary>
    private static readonly TimeSpan UnknownGrace = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<Hash32, long> _committed = new();
    private long _submitted, _resubmitted, _failedRequests, _refused;

    /// <summary>Every transaction a lane saw committed, with the block height it was committed in.</summary>
    public IReadOnlyDictionary<Hash32, long> Committed => _committed;
    public long Submitted => Interlocked.Read(ref _submitted);
    public long Resubmitted => Interlocked.Read(ref _resubmitted);
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>Submissions the node refused with a ledger error (a resubmission of a transaction already pending or
    /// committed is refused too; only the status poll decides what became of a transaction).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Runs every lane until <paramref name="stop"/> is cancelled, then until each lane's last run is committed
    /// (or <paramref name="drainTimeout"/> passes: then the transactions still uncommitted are returned).</summary>
    public async Task<IReadOnlyList<Hash32>> RunAsync(CancellationToken stop, TimeSpan drainTimeout)
    {
        var lanes = senders.Select(k => LaneAsync(k, stop, drainTimeout)).ToList();
        var left = await Task.WhenAll(lanes);
        return left.SelectMany(l => l).ToList();
    }

    private async Task<IReadOnlyList<Hash32>> LaneAsync(PrivateKey key, CancellationToken stop, TimeSpan drainTimeout)
    {
        using var client = new LedgerClient(node, requestTimeout: TimeSpan.FromSeconds(15));
        var nonce = await RetryAsync(() => client.NextNonceAsync(key.Address), CancellationToken.None);
        using var drain = new CancellationTokenSource();
        stop.Register(() => drain.CancelAfter(drainTimeout));
        while (!stop.IsCancellationRequested)
        {
            var run = Enumerable.Range(0, perRequest)
                .Select(i => new Transaction(rules.ChainId, key.Address, nonce + (ulong)i, rules.GasPriceFloor, body?.Invoke() ?? new Transfer(recipient, new Wei(1))).Sign(key))
                .ToList();
            nonce += (ulong)run.Count;
            await SubmitAsync(client, run);
            Interlocked.Add(ref _submitted, run.Count);
            var pending = await UntilCommittedAsync(client, run, drain.Token);
            if (pending.Count > 0) return pending;
            if (pause is { } p && !stop.IsCancellationRequested) await Task.Delay(p, CancellationToken.None);
        }
        return [];
    }

    /// <summary>Polls the run until every transaction is committed; resubmits those the node forgot. Returns the ones still
    /// uncommitted when <paramref name="giveUp"/> fires.</summary>
    private async Task<IReadOnlyList<Hash32>> UntilCommittedAsync(LedgerClient client, List<SignedTransaction> run, CancellationToken giveUp)
    {
        var open = run.ToList();
        var unknownSince = new Dictionary<Hash32, DateTime>();
        while (open.Count > 0)
        {
            if (giveUp.IsCancellationRequested) return open.Select(t => t.Hash).ToList();
            try { await Task.Delay(Poll, giveUp); }
            catch (OperationCanceledException) { continue; }
            var lost = new List<SignedTransaction>();
            foreach (var tx in open.ToList())
            {
                TransactionInfo info;
                try { info = await client.GetTransactionAsync(tx.Hash); }
                catch (Exception) { Interlocked.Increment(ref _failedRequests); break; }
                if (info.Status == TransactionStatus.Committed)
                {
                    _committed[tx.Hash] = info.BlockHeight!.Value;
                    open.Remove(tx);
                    unknownSince.Remove(tx.Hash);
                }
                else if (info.Status == TransactionStatus.Unknown)
                {
                    if (!unknownSince.TryGetValue(tx.Hash, out var since)) unknownSince[tx.Hash] = DateTime.UtcNow;
                    else if (DateTime.UtcNow - since > UnknownGrace) lost.Add(tx);
                }
                else unknownSince.Remove(tx.Hash);
            }
            if (lost.Count == 0) continue;
            // Lost with a dead silo's mempool: the same signed bytes again, in nonce order (a later nonce waits for an earlier one).
            await SubmitAsync(client, lost.OrderBy(t => t.Tx.Nonce).ToList());
            Interlocked.Add(ref _resubmitted, lost.Count);
            foreach (var tx in lost) unknownSince.Remove(tx.Hash);
        }
        return [];
    }

    private async Task SubmitAsync(LedgerClient client, List<SignedTransaction> run)
    {
        var results = await RetryAsync(() => client.SubmitRawAsync(run.Select(t => t.Encode()).ToList()), CancellationToken.None);
        Interlocked.Add(ref _refused, results.Count(r => !r.Accepted));
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await call(); }
            catch (Exception) when (attempt < 120 && !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failedRequests);
                await Task.Delay(250, ct);
            }
        }
    }
}
