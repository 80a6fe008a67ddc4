using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Client;

// The one place for "next nonce, sign, submit, wait". The key signs here, in this process: only the signed envelope
// goes to the node.
public sealed partial class LedgerClient
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(500);

    private ChainSummary? _chain;

    /// <summary>The chain's identity and gas price floor, read once per client (they do not change while a node runs).</summary>
    public async Task<ChainSummary> GetChainIdentityAsync(CancellationToken ct = default) => _chain ??= await GetChainAsync(ct);

    /// <summary>The nonce <paramref name="address"/> signs next, counting its transactions pending in the mempool.</summary>
    public async Task<ulong> NextNonceAsync(Address address, CancellationToken ct = default) => (await GetAccountAsync(address, ct)).NextNonce;

    /// <summary>Signs <paramref name="body"/> for <paramref name="chain"/> with <paramref name="key"/> (EIP-712).</summary>
    public static SignedTransaction Sign(ChainSummary chain, PrivateKey key, ulong nonce, ITxBody body, Wei? gasPrice = null) =>
        new Transaction(chain.ChainId, key.Address, nonce, gasPrice ?? chain.GasPriceFloor, body).Sign(key);

    /// <summary>Submits signed transactions in one request; one result per transaction, in order.</summary>
    public Task<IReadOnlyList<SendResult>> SubmitAsync(IReadOnlyList<SignedTransaction> signed, CancellationToken ct = default) =>
        SubmitRawAsync(signed.Select(t => t.Encode()).ToList(), ct);

    /// <summary>Submits signed envelopes (<see cref="SignedTransaction.Encode"/>, e.g. signed ahead of time or elsewhere)
    /// in one request, at most 1,000 (BatchTooLarge beyond); one result per envelope, in order.</summary>
    public async Task<IReadOnlyList<SendResult>> SubmitRawAsync(IReadOnlyList<byte[]> envelopes, CancellationToken ct = default)
    {
        if (envelopes.Count == 0) return [];
        var data = await QueryAsync("mutation($s: [SignedTransactionInput!]!) { sendTransactions(signed: $s) { hash errorCode errorMessage } }",
            new { s = envelopes.Select(raw => new { raw = Core.Encoding.Hex.Encode(raw) }).ToArray() }, ct);
        return data.Req("sendTransactions").EnumerateArray()
            .Select(r => new SendResult(r.OptHash("hash"), r.OptStr("errorCode"), r.OptStr("errorMessage"))).ToList();
    }

    /// <summary>Submits one signed transaction.</summary>
    public async Task<SendResult> SubmitAsync(SignedTransaction signed, CancellationToken ct = default) => (await SubmitAsync([signed], ct))[0];

    /// <summary>How long the node may know nothing of a submitted transaction (neither pending nor committed) before
    /// <see cref="WaitResubmittingAsync"/> submits its signed bytes again: the mempool is one grain in memory, and its
    /// pending transactions die with its silo (README "Mempool": clients resubmit).</summary>
    public static readonly TimeSpan ResubmitAfter = TimeSpan.FromSeconds(2);

    /// <summary>At most this many resubmissions per wait.</summary>
    public const int MaxResubmissions = 5;

    /// <summary>Polls the transaction (every 50 ms at first, backing off to 500 ms) until it is committed or
    /// <paramref name="timeout"/> passes; returns what the node last said, so a transaction still pending is a
    /// status, not an exception.</summary>
    public async Task<TransactionInfo> WaitForCommitAsync(Hash32 hash, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = FirstPoll;
        while (true)
        {
            var view = await GetTransactionAsync(hash, ct);
            var left = deadline - DateTime.UtcNow;
            if (view.Status == TransactionStatus.Committed || left <= TimeSpan.Zero) return view;
            await Task.Delay(pause < left ? pause : left, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
        }
    }

    /// <summary>Waits like <see cref="WaitForCommitAsync"/> for a transaction this client submitted, and keeps it alive:
    /// when the node has known nothing of it for <see cref="ResubmitAfter"/> (its mempool's silo died, or it was evicted),
    /// the same signed bytes are submitted again (same hash: idempotent), at most <see cref="MaxResubmissions"/> times.
    /// A resubmission refused with NonceTooLow means its nonce is used: it committed (the wait then returns it committed)
    /// or another transaction of the sender's took the nonce (<see cref="CommitWait.Replaced"/>; it never will). A node
    /// that does not answer for a while (it is restarting, or the gateway moved) is polled again until the timeout.</summary>
    public async Task<CommitWait> WaitResubmittingAsync(SignedTransaction signed, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = FirstPoll;
        var resubmissions = 0;
        string? refusal = null;
        DateTime? unknownSince = null;
        var view = TransactionInfo.Unknown(signed.Hash);
        while (true)
        {
            try
            {
                view = await GetTransactionAsync(signed.Hash, ct);
            }
            catch (Exception e) when (IsTransient(e))
            {
                unknownSince = null; // a node that does not answer says nothing about the transaction
            }
            if (view.Status == TransactionStatus.Committed) return new CommitWait(view, resubmissions, false, refusal);
            var now = DateTime.UtcNow;
            if (view.Status == TransactionStatus.Pending) unknownSince = null;
            else if (view.Status == TransactionStatus.Unknown)
            {
                unknownSince ??= now;
                if (now - unknownSince >= ResubmitAfter && resubmissions < MaxResubmissions)
                {
                    resubmissions++;
                    unknownSince = null;
                    SendResult sent;
                    try { sent = await SubmitAsync(signed, ct); }
                    catch (Exception e) when (IsTransient(e)) { sent = new SendResult(null, "NodeUnavailable", e.Message); }
                    if (sent.ErrorCode == nameof(Core.Errors.ErrorCode.NonceTooLow))
                    {
                        // The nonce is used: by this transaction (committing now, or just committed) or by another one.
                        var settled = await WaitForCommitAsync(signed.Hash, NonceUsedGrace, ct);
                        return settled.Status == TransactionStatus.Committed
                            ? new CommitWait(settled, resubmissions, false, refusal)
                            : new CommitWait(settled, resubmissions, true, sent.ErrorCode);
                    }
                    if (!sent.Accepted && sent.ErrorCode != nameof(Core.Errors.ErrorCode.DuplicateTransaction)) refusal = sent.ErrorCode;
                }
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return new CommitWait(view, resubmissions, false, refusal);
            await Task.Delay(pause < left ? pause : left, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
        }
    }

    /// <summary>Whether <paramref name="e"/> says the node could not answer now, rather than anything about the
    /// transaction: it is unreachable or restarting, or the cluster behind it is losing a silo (Orleans refuses or times
    /// out calls to grains that lived there until the silo is declared dead and they move).</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        NodeUnreachableException or TimeoutException or HttpRequestException => true,
        GraphQLRequestException g => g.Code.StartsWith("HTTP_", StringComparison.Ordinal) || g.Code.StartsWith("ORLEANS", StringComparison.Ordinal)
                                     || g.Code is "SILO_UNAVAILABLE" or "TIMEOUT" or "CLUSTER_UNAVAILABLE",
        _ => false,
    };

    /// <summary>After NonceTooLow on a resubmission, how long the transaction may take to show as committed (it may be
    /// in the block being sealed) before the wait says another transaction took its nonce.</summary>
    private static readonly TimeSpan NonceUsedGrace = TimeSpan.FromSeconds(5);

    /// <summary>Signs <paramref name="body"/> with the next nonce, submits it and (unless told not to) waits for its
    /// block, resubmitting it should the node lose it (<see cref="WaitResubmittingAsync"/>).</summary>
    public async Task<SendOutcome> SendAsync(ITxBody body, PrivateKey key, SendOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SendOptions();
        var chain = await GetChainIdentityAsync(ct);
        var nonce = options.Nonce ?? await NextNonceAsync(key.Address, ct);
        var signed = Sign(chain, key, nonce, body, options.GasPrice);
        var submitted = await SubmitAsync(signed, ct);
        if (submitted.Accepted) options.Accepted?.Invoke(signed);
        var wait = submitted.Accepted && options.Wait ? await WaitResubmittingAsync(signed, options.Timeout ?? SendOptions.DefaultTimeout, ct) : null;
        return new SendOutcome(signed, submitted, wait?.View, options.Wait, wait?.Resubmissions ?? 0, wait?.Replaced ?? false);
    }
}
