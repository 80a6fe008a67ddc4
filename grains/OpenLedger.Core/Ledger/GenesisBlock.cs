using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;

namespace OpenLedger.Core.Ledger;

/// <summary>Block 0: the initial allocations, in file order, and no transactions; its parent hash is the rules'
/// commitment. Its hash names the chain.</summary>
public static class GenesisBlock
{
    public static (LedgerState State, BlockHeader Header) Build(ChainRules rules)
    {
        var state = new LedgerState();
        foreach (var (address, balance) in rules.InitialBalances) state.Set(address, new AccountState(balance, 0));
        var header = new BlockHeader(0, rules.Commitment(), rules.GenesisTimestampMs, Hash32.Zero, Hash32.Zero,
            state.StateRoot(), rules.Producer, 0, 0);
        return (state, header);
    }
}
