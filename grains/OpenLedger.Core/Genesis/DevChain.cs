using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Genesis;

/// <summary>
/// The dev chain: every key derives from a public seed (keccak256(utf8(seed + "/" + label)): the dev accounts "0", "1",
/// ..., the producer, the marketplace operators and the treasury), and its genesis is fixed, so its hash is reproducible.
/// The CLI's <c>genesis --dev</c>, the node, the tests and the benchmarks all build it here.
/// </summary>
public static class DevChain
{
    /// <summary>The published dev seed (the shipped <c>genesis/dev.json</c> names it).</summary>
    public const string Seed = "openledger dev seed";

    /// <summary>Labels of the dev chain's derived role keys, like the dev accounts' "0", "1", ...</summary>
    public const string ProducerLabel = "producer";
    public const string ServingOperatorLabel = "serving-operator";
    public const string AttributionOperatorLabel = "attribution-operator";
    public const string TreasuryLabel = "treasury";

    /// <summary>The role labels (not the accounts'), in a fixed order.</summary>
    public static IReadOnlyList<string> RoleLabels { get; } = [ProducerLabel, ServingOperatorLabel, AttributionOperatorLabel, TreasuryLabel];

    /// <summary>Dev account <paramref name="index"/>'s key: keccak256(utf8(seed + "/" + index)).</summary>
    public static PrivateKey Account(string seed, int index) => PrivateKey.Derive(seed, index.ToString(CultureInfo.InvariantCulture));

    public static PrivateKey Producer(string seed = Seed) => PrivateKey.Derive(seed, ProducerLabel);
    public static PrivateKey ServingOperator(string seed = Seed) => PrivateKey.Derive(seed, ServingOperatorLabel);
    public static PrivateKey AttributionOperator(string seed = Seed) => PrivateKey.Derive(seed, AttributionOperatorLabel);
    public static PrivateKey Treasury(string seed = Seed) => PrivateKey.Derive(seed, TreasuryLabel);

    /// <summary>A dev genesis: <paramref name="count"/> dev accounts and both operators funded with
    /// <paramref name="balanceOpen"/> OPEN each, the producer, operators and treasury derived from <paramref name="seed"/>.
    /// With the defaults it is the shipped <c>genesis/dev.json</c>.</summary>
    public static GenesisConfig Genesis(ulong chainId = 1_717, string seed = Seed, int count = 10, ulong balanceOpen = 1_000_000,
        int blockIntervalMs = 1000, int maxBlockTxs = 20_000) => new()
    {
        ChainId = chainId,
        Name = "openledger-dev",
        Dev = true,
        TimestampMs = 1_767_225_600_000, // 2026-01-01T00:00:00Z: fixed, so the genesis hash is reproducible
        Producer = Producer(seed).Address.ToString(),
        GasSchedule = GasSchedule(),
        GasPriceFloor = "1000000000", // 1 gwei: a transfer costs 0.000021 OPEN
        BlockIntervalMs = blockIntervalMs,
        MaxBlockTransactions = maxBlockTxs,
        MaxBlockGas = (ulong)maxBlockTxs * 200_000,
        MaxTransactionBytes = 16_384,
        DevAccounts = new DevAccounts { Seed = seed, Count = count, Balance = Wei.FromOpen(balanceOpen).ToString() },
        // The operators need gas; the treasury starts empty and fills with the protocol's share of inference fees.
        Allocations =
        [
            new Allocation { Address = ServingOperator(seed).Address.ToString(), Balance = Wei.FromOpen(balanceOpen).ToString() },
            new Allocation { Address = AttributionOperator(seed).Address.ToString(), Balance = Wei.FromOpen(balanceOpen).ToString() },
        ],
        Marketplace = new MarketplaceConfig
        {
            Treasury = Treasury(seed).Address.ToString(),
            ServingOperators = [ServingOperator(seed).Address.ToString()],
            AttributionOperators = [AttributionOperator(seed).Address.ToString()],
        },
    };

    /// <summary>Gas per kind: roughly the work and the state each kind adds (a settlement pays out up to hundreds of
    /// shares). The dev genesis's, and the one <c>openledger genesis</c> writes for a real chain.</summary>
    public static Dictionary<string, ulong> GasSchedule() => new()
    {
        ["Transfer"] = 21_000,
        ["CreateDatanet"] = 200_000,
        ["UpdateDatanet"] = 50_000,
        ["Contribute"] = 60_000,
        ["Curate"] = 40_000,
        ["PublishVersion"] = 100_000,
        ["RegisterModel"] = 150_000,
        ["UpdateModel"] = 50_000,
        ["RequestInference"] = 60_000,
        ["PostResult"] = 40_000,
        ["SettleAttribution"] = 200_000,
    };
}
