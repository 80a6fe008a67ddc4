namespace OpenLedger.Grains.Ledger;

/// <summary>An account (key: lowercase 0x address): committed balance and nonce, pending and committed transactions.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    Task<AccountView> GetAsync();
    Task<IReadOnlyList<TransactionView>> GetTransactionsAsync(int limit, long? beforeHeight);
}
