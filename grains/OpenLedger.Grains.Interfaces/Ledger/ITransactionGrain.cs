namespace OpenLedger.Grains.Ledger;

/// <summary>A transaction (key: 0x hash): its status, and a wait until it commits.</summary>
public interface ITransactionGrain : IGrainWithStringKey
{
    Task<TransactionView> GetAsync();

    /// <summary>Returns when the transaction is committed, or its current view when <paramref name="timeout"/> passes.</summary>
    Task<TransactionView> WaitForCommitAsync(TimeSpan timeout);
}
