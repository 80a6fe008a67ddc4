using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Ledger;

/// <summary>An account's view (key: its address): committed state from the store, pending count from the mempool.</summary>
public sealed class AccountGrain(LedgerNode node) : Grain, IAccountGrain
{
    private Address Address => Address.Parse(this.GetPrimaryKeyString());

    public async Task<AccountView> GetAsync()
    {
        var address = Address;
        var states = await node.Store.GetAccountsAsync([address]);
        var state = states.TryGetValue(address, out var s) ? s : AccountState.Empty;
        var (pending, next, hashes) = await GrainFactory.GetGrain<IMempoolGrain>(0).GetPendingAsync(address);
        return new AccountView(address, state.Balance, state.Nonce, pending, Math.Max(next, state.Nonce), hashes);
    }

    public async Task<IReadOnlyList<TransactionView>> GetTransactionsAsync(int limit, long? beforeHeight)
    {
        var records = await node.Store.GetAccountTransactionsAsync(Address, Math.Clamp(limit, 1, 1000), beforeHeight);
        return records.Select(TransactionViews.Committed).ToList();
    }
}
