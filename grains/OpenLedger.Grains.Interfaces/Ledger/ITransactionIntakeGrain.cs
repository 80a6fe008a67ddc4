namespace OpenLedger.Grains.Ledger;

/// <summary>The entry point for signed transactions: verifies signatures in parallel (on stateless workers,
/// never in the producer) and hands the valid ones to the mempool. One result per input, in order.</summary>
public interface ITransactionIntakeGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<SubmitResult>> SubmitAsync(IReadOnlyList<byte[]> rawTransactions);
}
