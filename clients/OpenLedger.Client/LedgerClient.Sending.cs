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

    /// <summary>Signs <paramref name="body"/> with the next nonce, submits it and (unless told not to) waits for its block.</summary>
    public async Task<SendOutcome> SendAsync(ITxBody body, PrivateKey key, SendOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SendOptions();
        var chain = await GetChainIdentityAsync(ct);
        var nonce = options.Nonce ?? await NextNonceAsync(key.Address, ct);
        var signed = Sign(chain, key, nonce, body, options.GasPrice);
        var submitted = await SubmitAsync(signed, ct);
        if (submitted.Accepted) options.Accepted?.Invoke(signed);
        var view = submitted.Accepted && options.Wait ? await WaitForCommitAsync(signed.Hash, options.Timeout ?? SendOptions.DefaultTimeout, ct) : null;
        return new SendOutcome(signed, submitted, view, options.Wait);
    }
}
