using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Support;

/// <summary>A test chain: a dev genesis with a fast block interval, its rules and its funded keys.</summary>
public sealed class TestChain
{
    public GenesisConfig Genesis { get; }
    public ChainRules Rules { get; }
    public IReadOnlyList<PrivateKey> Keys { get; }
    public PrivateKey ProducerKey { get; }
    public string Seed { get; }
    /// <summary>The marketplace's operators and treasury of the dev genesis (keys derived from the seed).</summary>
    public PrivateKey ServingOperator => DevChain.ServingOperator(Seed);
    public PrivateKey AttributionOperator => DevChain.AttributionOperator(Seed);
    public Address Treasury => DevChain.Treasury(Seed).Address;

    public TestChain(int accounts = 10, int blockIntervalMs = 100, ulong chainId = 1_717, int maxBlockTxs = 20_000, string seed = "openledger test seed",
        Action<MarketplaceConfig>? market = null, ulong? maxBlockGas = null)
    {
        Genesis = DevChain.Genesis(chainId, seed, accounts, 1_000_000, blockIntervalMs, maxBlockTxs);
        market?.Invoke(Genesis.Marketplace);
        if (maxBlockGas is { } gas) Genesis.MaxBlockGas = gas;
        Rules = Genesis.ToRules();
        Keys = Genesis.DevAccounts!.Keys().ToList();
        ProducerKey = DevChain.Producer(seed);
        Seed = seed;
    }

    public Wei GasPrice => Rules.GasPriceFloor;

    public SignedTransaction Transfer(PrivateKey from, Address to, Wei amount, ulong nonce, Wei? gasPrice = null, ulong? chainId = null) =>
        new Transaction(chainId ?? Rules.ChainId, from.Address, nonce, gasPrice ?? GasPrice, new Transfer(to, amount)).Sign(from);

    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string SqliteConnection(string dir) => $"Data Source={Path.Combine(dir, "openledger.db")};Pooling=True;Default Timeout=30";
}
