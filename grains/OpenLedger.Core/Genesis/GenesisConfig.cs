using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Genesis;

/// <summary>The genesis file: the chain's identity, its consensus rules and its initial allocations.
/// Every node of a chain must load the same file; its block-0 hash identifies the chain.</summary>
public sealed class GenesisConfig
{
    public ulong ChainId { get; set; }
    public string Name { get; set; } = "openledger";
    /// <summary>A dev or test chain. Only a dev chain may fund keys derived from a public seed (<see cref="DevAccounts"/>),
    /// and nodes and clients accept such keys (the CLI's --dev N and --operator, a node's derived producer and serving
    /// keys) only on one. Committed in block 0's hash like every other rule.</summary>
    public bool Dev { get; set; }
    public long TimestampMs { get; set; }
    public string Producer { get; set; } = "";
    /// <summary>Gas charged per transaction kind (fee = gas x the transaction's gas price).</summary>
    public Dictionary<string, ulong> GasSchedule { get; set; } = [];
    public string GasPriceFloor { get; set; } = "0";
    public int BlockIntervalMs { get; set; } = 1000;
    public int MaxBlockTransactions { get; set; } = 20_000;
    public ulong MaxBlockGas { get; set; } = 1_000_000_000;
    public int MaxTransactionBytes { get; set; } = TransactionCodec.DefaultMaxTransactionBytes;
    public List<Allocation> Allocations { get; set; } = [];
    /// <summary>Optional: accounts funded from keys derived from a public seed (see <see cref="PrivateKey.Derive"/>). Dev chains
    /// only (<see cref="Dev"/>): anyone can derive those keys.</summary>
    public DevAccounts? DevAccounts { get; set; }
    /// <summary>The marketplace's rules: operators, treasury, fee-split bounds, inference timeout, size limits.</summary>
    public MarketplaceConfig Marketplace { get; set; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static GenesisConfig Parse(string json) =>
        JsonSerializer.Deserialize<GenesisConfig>(json, Json) ?? throw new FormatException("empty genesis file");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Validates the file and resolves it into typed rules and the ordered list of initial balances.</summary>
    public ChainRules ToRules()
    {
        if (ChainId == 0) throw new FormatException("genesis: chainId must be set and non-zero");
        if (!Address.TryParse(Producer, out var producer)) throw new FormatException($"genesis: producer '{Producer}' is not an address");
        if (!Wei.TryParse(GasPriceFloor, out var floor)) throw new FormatException($"genesis: gasPriceFloor '{GasPriceFloor}' is not an amount of wei");
        if (BlockIntervalMs < 10) throw new FormatException("genesis: blockIntervalMs must be at least 10");
        if (MaxBlockTransactions < 1) throw new FormatException("genesis: maxBlockTransactions must be positive");
        var schedule = new Dictionary<TxKind, ulong>();
        foreach (var (name, gas) in GasSchedule)
        {
            if (!Enum.TryParse<TxKind>(name, ignoreCase: false, out var kind)) throw new FormatException($"genesis: gasSchedule names unknown kind '{name}'");
            schedule[kind] = gas;
        }
        foreach (var kind in Enum.GetValues<TxKind>())
        {
            if (!schedule.TryGetValue(kind, out var gas)) throw new FormatException($"genesis: gasSchedule lacks kind '{kind}'");
            // A kind whose gas exceeds the block's could never be included: its transactions would wait for ever.
            if (gas > MaxBlockGas)
                throw new FormatException($"genesis: gasSchedule.{kind} = {gas} exceeds maxBlockGas = {MaxBlockGas}: a {kind} transaction could never fit in a block");
        }

        var balances = new List<(Address, Wei)>();
        var seen = new HashSet<Address>();
        foreach (var a in Allocations)
        {
            if (!Address.TryParse(a.Address, out var addr)) throw new FormatException($"genesis: allocation address '{a.Address}' is invalid");
            if (!Wei.TryParse(a.Balance, out var bal)) throw new FormatException($"genesis: allocation balance '{a.Balance}' is not an amount of wei");
            if (!seen.Add(addr)) throw new FormatException($"genesis: {addr} is allocated twice");
            balances.Add((addr, bal));
        }
        if (DevAccounts is { } dev)
        {
            if (!Dev)
                throw new FormatException("genesis: devAccounts fund keys derived from a public seed, which anyone can derive: only a dev chain may have them (\"dev\": true); a real chain lists explicit allocations");
            if (!Wei.TryParse(dev.Balance, out var bal)) throw new FormatException($"genesis: devAccounts.balance '{dev.Balance}' is not an amount of wei");
            foreach (var key in dev.Keys())
            {
                if (!seen.Add(key.Address)) throw new FormatException($"genesis: {key.Address} is allocated twice");
                balances.Add((key.Address, bal));
            }
        }
        UInt128 supply = 0;
        foreach (var (_, b) in balances) supply = checked(supply + b.Value);
        return new ChainRules(ChainId, Name, TimestampMs, producer, schedule, floor, BlockIntervalMs,
            MaxBlockTransactions, MaxBlockGas, MaxTransactionBytes, balances, new Wei(supply), Marketplace.ToRules(producer, MaxTransactionBytes), Dev)
        {
            DevSeed = DevAccounts?.Seed,
            DevAccountCount = DevAccounts?.Count ?? 0,
        };
    }
}

/// <summary>The "marketplace" section of the genesis file.</summary>
public sealed class MarketplaceConfig
{
    /// <summary>Receives the protocol's share of inference fees and the stakes of datanets whose rule says treasury.
    /// Empty: the producer (never the zero address, which nobody controls).</summary>
    public string Treasury { get; set; } = "";
    /// <summary>Accounts allowed to post inference results (OpenLoRA serving nodes).</summary>
    public List<string> ServingOperators { get; set; } = [];
    /// <summary>Accounts allowed to settle attribution (Proof of Attribution nodes).</summary>
    public List<string> AttributionOperators { get; set; } = [];
    public ushort MinContributorsBps { get; set; } = 1_000;
    public ushort MinProtocolBps { get; set; }
    public ushort MaxProtocolBps { get; set; } = 2_000;
    /// <summary>Blocks after its request by which an inference must be settled; then it expires.</summary>
    public long InferenceTimeoutBlocks { get; set; } = 600;
    /// <summary>"refund" (the caller gets the escrow back) or "owner" (the model's owner gets it) for an inference that
    /// was served but not settled in time. One never served is always refunded.</summary>
    public string TimeoutResolution { get; set; } = "refund";
    public ulong MaxContributionBytes { get; set; } = 1_048_576;
    public int MaxAttributions { get; set; } = 256;
    /// <summary>The most versions a model may have. Every version stays in the model's committed object (settlement
    /// attributes against the version an inference was requested on), so the cap bounds what updating a model costs.</summary>
    public int MaxModelVersions { get; set; } = 64;
    /// <summary>Blocks after its contribution by which a contribution must be curated (the block at the deadline still
    /// can); then its stake returns to the contributor. Default: a week of one-second blocks.</summary>
    public long CurationTimeoutBlocks { get; set; } = 604_800;

    /// <summary>The largest maxModelVersions a genesis may set: a model of 1,024 versions on 16 datanet versions each
    /// is ~600 KB, which every UpdateModel re-encodes and re-hashes.</summary>
    public const int MaxModelVersionsLimit = 1_024;

    public MarketRules ToRules(Address producer, int maxTransactionBytes)
    {
        Address treasury = producer;
        if (Treasury.Length > 0 && !Address.TryParse(Treasury, out treasury)) throw new FormatException($"genesis: marketplace.treasury '{Treasury}' is not an address");
        if (treasury == Address.Zero) throw new FormatException("genesis: marketplace.treasury must not be the zero address (nobody could spend it)");
        var serving = ParseAll("servingOperators", ServingOperators);
        var attribution = ParseAll("attributionOperators", AttributionOperators);
        if (MinProtocolBps > MaxProtocolBps || MaxProtocolBps > 10_000 || MinContributorsBps > 10_000 || MinContributorsBps + MinProtocolBps > 10_000)
            throw new FormatException("genesis: marketplace fee-split bounds are inconsistent (need minProtocolBps <= maxProtocolBps <= 10000 and minContributorsBps + minProtocolBps <= 10000)");
        if (InferenceTimeoutBlocks < 1) throw new FormatException("genesis: marketplace.inferenceTimeoutBlocks must be at least 1");
        var resolution = TimeoutResolution switch
        {
            "refund" => Genesis.TimeoutResolution.Refund,
            "owner" => Genesis.TimeoutResolution.Owner,
            _ => throw new FormatException($"genesis: marketplace.timeoutResolution '{TimeoutResolution}' is not \"refund\" or \"owner\""),
        };
        if (MaxContributionBytes < 1) throw new FormatException("genesis: marketplace.maxContributionBytes must be positive");
        if (MaxAttributions < 1 || MaxAttributions > Transactions.Fields.FieldLimits.Attributions)
            throw new FormatException($"genesis: marketplace.maxAttributions must be 1..{Transactions.Fields.FieldLimits.Attributions}");
        // A settlement of maxAttributions entries must fit in one transaction: 40 bytes per entry (id + weight) plus the
        // envelope, the signature and the fixed fields.
        var largestSettlement = Transactions.TransactionCodec.HeaderLength + 65 + 32 + 32 + 2 + 2 + 40 * MaxAttributions;
        if (largestSettlement > maxTransactionBytes)
            throw new FormatException($"genesis: a settlement of marketplace.maxAttributions = {MaxAttributions} entries is {largestSettlement} bytes, over maxTransactionBytes = {maxTransactionBytes}");
        if (MaxModelVersions < 1 || MaxModelVersions > MaxModelVersionsLimit)
            throw new FormatException($"genesis: marketplace.maxModelVersions must be 1..{MaxModelVersionsLimit}");
        if (CurationTimeoutBlocks < 1) throw new FormatException("genesis: marketplace.curationTimeoutBlocks must be at least 1");
        return new MarketRules(treasury, serving, attribution, MinContributorsBps, MinProtocolBps, MaxProtocolBps,
            InferenceTimeoutBlocks, resolution, MaxContributionBytes, MaxAttributions, MaxModelVersions, CurationTimeoutBlocks);
    }

    private static List<Address> ParseAll(string field, List<string> values) => values.Select(v =>
        Address.TryParse(v, out var a) ? a : throw new FormatException($"genesis: marketplace.{field} entry '{v}' is not an address")).ToList();
}

/// <summary>An initial balance.</summary>
public sealed class Allocation
{
    public string Address { get; set; } = "";
    public string Balance { get; set; } = "0";
}

/// <summary>Dev accounts: key i = keccak256(utf8(seed + "/" + i)), i = 0..count-1, each funded with <see cref="Balance"/>.</summary>
public sealed class DevAccounts
{
    public string Seed { get; set; } = "";
    public int Count { get; set; }
    public string Balance { get; set; } = "0";

    public IEnumerable<PrivateKey> Keys() => Enumerable.Range(0, Count).Select(i => DevChain.Account(Seed, i));
}
