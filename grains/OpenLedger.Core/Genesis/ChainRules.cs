using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Genesis;

/// <summary>The validated consensus rules of a chain, from its genesis file.</summary>
public sealed record ChainRules(
    ulong ChainId,
    string Name,
    long GenesisTimestampMs,
    Address Producer,
    IReadOnlyDictionary<TxKind, ulong> GasSchedule,
    Wei GasPriceFloor,
    int BlockIntervalMs,
    int MaxBlockTransactions,
    ulong MaxBlockGas,
    int MaxTransactionBytes,
    IReadOnlyList<(Address Address, Wei Balance)> InitialBalances,
    Wei TotalSupply)
{
    public ulong GasOf(TxKind kind) => GasSchedule[kind];
}
