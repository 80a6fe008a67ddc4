using Orleans.Concurrency;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>Signature recovery, the costliest admission check, on stateless workers: Orleans runs up to one
/// activation per core on each silo, so recovery scales with cores and never runs in the producer's turn.</summary>
[StatelessWorker]
public sealed class SignatureVerifierGrain(LedgerNode node) : Grain, ISignatureVerifierGrain
{
    public async Task<VerificationResult> VerifyAsync(IReadOnlyList<byte[]> rawTransactions)
    {
        var verified = new List<VerifiedTransaction>(rawTransactions.Count);
        var positions = new List<int>(rawTransactions.Count);
        var errors = new List<(int, SubmitResult)>();
        for (int i = 0; i < rawTransactions.Count; i++)
        {
            var raw = rawTransactions[i] ?? [];
            var error = TransactionVerifier.Verify(raw, node.Rules.ChainId, node.Rules.MaxTransactionBytes, out var vtx);
            if (error.IsError) errors.Add((i, SubmitResult.Fail(error)));
            else { verified.Add(vtx!); positions.Add(i); }
        }
        // Contributions must name content the node holds (checked here, in parallel workers, not in the mempool's turn).
        var contentErrors = await Market.ContentAdmission.CheckAsync(node.Content, verified, node.Store);
        contentErrors = [.. contentErrors, .. await Market.TrainingRecordAdmission.CheckAsync(node.Content, verified)]; // a job's record and adapter: its owner registers them
        if (contentErrors.Count > 0)
        {
            var failed = contentErrors.ToDictionary(e => e.Position, e => e.Error);
            var keptTx = new List<VerifiedTransaction>(verified.Count);
            var keptAt = new List<int>(verified.Count);
            for (int k = 0; k < verified.Count; k++)
            {
                if (failed.TryGetValue(k, out var err)) errors.Add((positions[k], SubmitResult.Fail(err)));
                else { keptTx.Add(verified[k]); keptAt.Add(positions[k]); }
            }
            (verified, positions) = (keptTx, keptAt);
        }
        return new VerificationResult(new TxBatch(verified), positions, errors);
    }
}
