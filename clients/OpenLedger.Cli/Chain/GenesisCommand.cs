using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Cli.Chain;

/// <summary>`openledger genesis`: writes a genesis file. A real chain's (the default) names its producer, operators,
/// treasury and allocations by address and holds no seed; <c>--dev</c> writes a dev chain's, whose accounts, producer
/// and operators derive from a public seed (<see cref="DevChain"/>).</summary>
public static class GenesisCommand
{
    public static int Execute(Args args)
    {
        var g = args.Has("dev") ? DevFrom(args) : RealFrom(args);
        var rules = Checked(g);
        var json = g.ToJson();
        if (args.FullPath("out") is { } path) File.WriteAllText(path, json + "\n");
        else Console.WriteLine(json);
        Console.Error.WriteLine($"genesis hash {GenesisBlock.Build(rules).Header.Hash}");
        return 0;
    }

    private static GenesisConfig DevFrom(Args args)
    {
        if (args.Get("dev") is { } stray) throw new UsageException($"--dev takes no value (got '{stray}')");
        return DevChain.Genesis(
            chainId: ChainId(args),
            seed: args.Value("dev-seed") ?? DevChain.Seed,
            count: args.GetInt("dev-count", 10, 0, WellKnownDevKeys.Accounts),
            balanceOpen: Options.OptionalULong(args, "dev-balance") ?? 1_000_000,
            blockIntervalMs: args.GetInt("block-interval-ms", 1000, 10, 3_600_000),
            maxBlockTxs: args.GetInt("max-block-txs", 20_000, 1, 1_000_000));
    }

    /// <summary>A real chain: every key is the operator's own, named by its address; nothing derives from a seed.</summary>
    private static GenesisConfig RealFrom(Args args)
    {
        foreach (var devOnly in new[] { "dev-seed", "dev-count", "dev-balance" })
            if (args.Has(devOnly)) throw new UsageException($"--{devOnly} is for a dev chain (give --dev); a real chain funds explicit addresses with --alloc ADDRESS=OPEN");
        if (!args.Has("chain-id")) throw new UsageException("--chain-id is required for a real chain (or give --dev for a dev chain)");
        var producer = Options.RequiredAddress(args, "producer");
        var maxBlockTxs = args.GetInt("max-block-txs", 20_000, 1, 1_000_000);
        var allocations = new List<Allocation>();
        foreach (var entry in args.Values("alloc").SelectMany(Options.List))
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || !Wei.TryParseOpen(entry[(eq + 1)..], out var balance))
                throw new UsageException($"--alloc '{entry}' is not ADDRESS=OPEN (such as 0x…=1000)");
            allocations.Add(new Allocation { Address = Options.ParseAddress(entry[..eq], "alloc").ToString(), Balance = balance.ToString() });
        }
        var g = new GenesisConfig
        {
            ChainId = ChainId(args),
            Name = args.Value("name") ?? "openledger",
            Dev = false,
            TimestampMs = args.Value("timestamp-ms") is { } t
                ? long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms
                    : throw new UsageException($"--timestamp-ms '{t}' is not a number of milliseconds since 1970")
                : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Producer = producer.ToString(),
            GasSchedule = DevChain.GasSchedule(),
            GasPriceFloor = (Options.OptionalWei(args, "gas-price-floor") ?? Wei.Parse("1000000000")).ToString(),
            BlockIntervalMs = args.GetInt("block-interval-ms", 1000, 10, 3_600_000),
            MaxBlockTransactions = maxBlockTxs,
            MaxBlockGas = (ulong)maxBlockTxs * 200_000,
            MaxTransactionBytes = 16_384,
            Allocations = allocations,
            Marketplace = new MarketplaceConfig
            {
                Treasury = Options.RequiredAddress(args, "treasury").ToString(),
                ServingOperators = Options.Addresses(args.Value("serving-operators") ?? "", "serving-operators").Select(a => a.ToString()).ToList(),
                AttributionOperators = Options.Addresses(args.Value("attribution-operators") ?? "", "attribution-operators").Select(a => a.ToString()).ToList(),
            },
        };
        RefuseDevAddresses(g);
        return g;
    }

    /// <summary>A real chain naming a dev key's address would hand its role or its funds to anyone who reads the seed.</summary>
    private static void RefuseDevAddresses(GenesisConfig g)
    {
        var named = new List<(string Role, string Address)> { ("--producer", g.Producer), ("--treasury", g.Marketplace.Treasury) };
        named.AddRange(g.Marketplace.ServingOperators.Select(a => ("--serving-operators", a)));
        named.AddRange(g.Marketplace.AttributionOperators.Select(a => ("--attribution-operators", a)));
        named.AddRange(g.Allocations.Select(a => ("--alloc", a.Address)));
        foreach (var (role, text) in named)
            if (WellKnownDevKeys.LabelOf(Address.Parse(text)) is { } label)
                throw new UsageException($"{role} {text} is the published dev key '{label}' (derived from the dev seed): anyone can sign as it. Use a key of your own (openledger keygen)");
    }

    private static ulong ChainId(Args args) =>
        Options.OptionalULong(args, "chain-id") is { } id ? id != 0 ? id : throw new UsageException("--chain-id must be above 0") : 1_717;

    private static ChainRules Checked(GenesisConfig g)
    {
        try { return g.ToRules(); }
        catch (Exception e) when (e is FormatException or OverflowException) { throw new UsageException(e.Message); }
    }
}
