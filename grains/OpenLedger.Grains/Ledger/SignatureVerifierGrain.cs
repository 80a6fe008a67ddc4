using Orleans.Concurrency;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>Signature recovery, the costliest admission check, on stateless workers: Orleans runs up to one
/// activation per core on each silo, so recovery scales with cores and never runs in the producer's turn.</summary>
[StatelessWorker]
public sealed class SignatureVerifierGrain(LedgerNode node) : Grain, ISignatureVerifierGrain
{
    public Task<VerificationResult> VerifyAsync(IReadOnlyList<byte[]> rawTransactions)
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
        return Task.FromResult(new VerificationResult(new TxBatch(verified), positions, errors));
    }
}
