using Orleans.Concurrency;

namespace OpenLedger.Grains.Ledger;

/// <summary>Splits a submission into chunks verified concurrently by <see cref="SignatureVerifierGrain"/>
/// activations, then admits the valid ones to the mempool in submission order.</summary>
[StatelessWorker]
public sealed class TransactionIntakeGrain : Grain, ITransactionIntakeGrain
{
    private const int ChunkSize = 64;
    public const int MaxBatch = 10_000;

    public async Task<IReadOnlyList<SubmitResult>> SubmitAsync(IReadOnlyList<byte[]> rawTransactions)
    {
        if (rawTransactions.Count > MaxBatch)
            return rawTransactions.Select(_ => SubmitResult.Fail(new(Core.Errors.ErrorCode.BatchTooLarge, $"at most {MaxBatch} transactions per submission"))).ToList();
        var chunks = new List<Task<VerificationResult>>();
        for (int start = 0; start < rawTransactions.Count; start += ChunkSize)
        {
            var chunk = rawTransactions.Skip(start).Take(ChunkSize).ToList();
            chunks.Add(GrainFactory.GetGrain<ISignatureVerifierGrain>(0).VerifyAsync(chunk));
        }
        var results = new SubmitResult[rawTransactions.Count];
        var verified = new List<Core.Transactions.VerifiedTransaction>(rawTransactions.Count);
        var verifiedAt = new List<int>(rawTransactions.Count);
        var done = await Task.WhenAll(chunks);
        for (int c = 0; c < done.Length; c++)
        {
            var offset = c * ChunkSize;
            foreach (var (pos, err) in done[c].Errors) results[offset + pos] = err;
            verified.AddRange(done[c].Verified.Transactions);
            verifiedAt.AddRange(done[c].VerifiedPositions.Select(p => offset + p));
        }
        if (verified.Count > 0)
        {
            var admitted = await GrainFactory.GetGrain<IMempoolGrain>(0).AddAsync(new TxBatch(verified));
            for (int i = 0; i < admitted.Count; i++) results[verifiedAt[i]] = admitted[i];
        }
        foreach (var r in results)
            if (!r.Accepted) Hosting.LedgerMetrics.TransactionsRejected.Add(1, new KeyValuePair<string, object?>("code", r.ErrorCode));
        return results;
    }
}
