using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger genesis`: writes a dev or test genesis file whose accounts and producer derive from a seed.</summary>
public static class GenesisCommand
{
    public const string DevSeed = "openledger dev seed";

    public static GenesisConfig Dev(ulong chainId = 1_717, string seed = DevSeed, int count = 10, ulong balanceOpen = 1_000_000,
        int blockIntervalMs = 1000, int maxBlockTxs = 20_000) => new()
    {
        ChainId = chainId,
        Name = "openledger-dev",
        TimestampMs = 1_767_225_600_000, // 2026-01-01T00:00:00Z: fixed, so the genesis hash is reproducible
        Producer = PrivateKey.Derive(seed, "producer").Address.ToString(),
        GasSchedule = DevGasSchedule(),
        GasPriceFloor = "1000000000", // 1 gwei: a transfer costs 0.000021 OPEN
        BlockIntervalMs = blockIntervalMs,
        MaxBlockTransactions = maxBlockTxs,
        MaxBlockGas = (ulong)maxBlockTxs * 200_000,
        MaxTransactionBytes = 16_384,
        DevAccounts = new DevAccounts { Seed = seed, Count = count, Balance = Wei.FromOpen(balanceOpen).ToString() },
        // The operators need gas; the treasury starts empty and fills with the protocol's share of inference fees.
        Allocations =
        [
            new Allocation { Address = PrivateKey.Derive(seed, ServingOperatorLabel).Address.ToString(), Balance = Wei.FromOpen(balanceOpen).ToString() },
            new Allocation { Address = PrivateKey.Derive(seed, AttributionOperatorLabel).Address.ToString(), Balance = Wei.FromOpen(balanceOpen).ToString() },
        ],
        Marketplace = new MarketplaceConfig
        {
            Treasury = PrivateKey.Derive(seed, TreasuryLabel).Address.ToString(),
            ServingOperators = [PrivateKey.Derive(seed, ServingOperatorLabel).Address.ToString()],
            AttributionOperators = [PrivateKey.Derive(seed, AttributionOperatorLabel).Address.ToString()],
        },
    };

    /// <summary>Labels of the dev chain's derived operator keys: keccak256(seed + "/" + label), like the producer's.</summary>
    public const string ServingOperatorLabel = "serving-operator";
    public const string AttributionOperatorLabel = "attribution-operator";
    public const string TreasuryLabel = "treasury";

    /// <summary>Gas per kind: roughly the work and the state each kind adds (a settlement pays out up to hundreds of shares).</summary>
    public static Dictionary<string, ulong> DevGasSchedule() => new()
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

    public static int Execute(Args args)
    {
        var g = Dev(
            chainId: ulong.Parse(args.Get("chain-id", "1717"), System.Globalization.CultureInfo.InvariantCulture),
            seed: args.Get("dev-seed", DevSeed),
            count: args.GetInt("dev-count", 10),
            balanceOpen: ulong.Parse(args.Get("dev-balance", "1000000"), System.Globalization.CultureInfo.InvariantCulture),
            blockIntervalMs: args.GetInt("block-interval-ms", 1000),
            maxBlockTxs: args.GetInt("max-block-txs", 20_000));
        var rules = g.ToRules();
        var json = g.ToJson();
        if (args.Get("out") is { } path) File.WriteAllText(path, json + "\n");
        else Console.WriteLine(json);
        Console.Error.WriteLine($"genesis hash {GenesisBlock.Build(rules).Header.Hash}");
        return 0;
    }
}
