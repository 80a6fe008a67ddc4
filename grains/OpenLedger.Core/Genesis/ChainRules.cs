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
    Wei TotalSupply,
    MarketRules Market,
    bool Dev = false)
{
    public ulong GasOf(TxKind kind) => GasSchedule[kind];

    /// <summary>A dev chain's public seed and how many dev accounts its genesis derives from it (key i =
    /// keccak256(utf8(seed + "/" + i))): what a wallet's dev-account picker derives in the browser. Null on a chain
    /// without dev accounts. Not a consensus rule (the allocations it made are), so not in <see cref="Commitment"/>.</summary>
    public string? DevSeed { get; init; }

    public int DevAccountCount { get; init; }

    /// <summary>A commitment to the consensus rules (chain id, producer, gas schedule, floor, interval, limits, marketplace rules,
    /// and whether it is a dev chain: a dev genesis and a real one never share a hash).
    /// It is block 0's parent hash, so two chains that differ in any rule have different genesis hashes.</summary>
    public Hash32 Commitment()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var gas = string.Join(",", GasSchedule.OrderBy(kv => (ushort)kv.Key).Select(kv => $"{kv.Key}={kv.Value.ToString(ci)}"));
        return Keccak256.Hash(string.Join("|",
            "openledger-genesis-v1", ChainId.ToString(ci), Name, Producer.ToString(), gas, GasPriceFloor.ToString(),
            BlockIntervalMs.ToString(ci), MaxBlockTransactions.ToString(ci), MaxBlockGas.ToString(ci), MaxTransactionBytes.ToString(ci),
            Market.CommitmentText(), Dev ? "dev" : "live"));
    }
}
