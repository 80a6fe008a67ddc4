using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>One sender's run of contributions: texts [From, To) of the corpus, nonces 0, 1, ...</summary>
public sealed record ContributorRun(PrivateKey Key, int From, int To);

/// <summary>The marketplace benchmark's chain, accounts and contribution texts (built before the node starts).
/// Dev account 0 owns the datanet and the model; then the contributors, the warm-up contributors and the inference
/// callers. The dev genesis names one serving and one attribution operator; this one adds serving operators (setup
/// only: posting results is not measured) and, on request, attribution operators.</summary>
public sealed class MarketWorkload
{
    public const string Seed = "openledger marketplace benchmark seed";
    public const ulong ChainId = 1_717;
    public const int ServingOperators = 4;
    public const int RequestsPerCaller = 400;
    private const int CorpusSeed = 2026;

    public required GenesisConfig Genesis { get; init; }
    public required ChainRules Rules { get; init; }
    public required PrivateKey Owner { get; init; }
    public required ContributorRun[] Contributors { get; init; }
    public required ContributorRun[] WarmupContributors { get; init; }
    public required PrivateKey[] Callers { get; init; }
    public required PrivateKey[] ServingKeys { get; init; }
    public required PrivateKey[] AttributionKeys { get; init; }
    public required PrivateKey Treasury { get; init; }
    /// <summary>Texts: the measured contributions [0, C), the warm-up ones [C, C + W), the upload-only pass after.</summary>
    public required byte[][] Texts { get; init; }
    public required ContentDigest[] Digests { get; init; }
    public required int UploadsFrom { get; init; }
    /// <summary>Pre-signed transfers for the recovery ceiling (as in the ledger mode; never submitted).</summary>
    public required byte[][] CeilingTransfers { get; init; }
    /// <summary>Contribute and SettleAttribution transactions of the measured shapes (never submitted): Verify alone
    /// on them, right beside the ceiling, gives each kind's own admission ceiling.</summary>
    public required byte[][] SampleContributes { get; init; }
    public required byte[][] SampleSettlements { get; init; }
    public TimeSpan BuildTime { get; init; }
    /// <summary>The client's CPU to build, sign (EIP-712 digest + ECDSA) and encode one transaction of each kind: part of
    /// the phases' CPU per item, since the client runs in the node's process.</summary>
    public double ContributeSignMicros { get; init; }
    public double SettleSignMicros { get; init; }

    public Wei GasPrice => Rules.GasPriceFloor;

    public static MarketWorkload Create(MarketplaceOptions o)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var perContributor = o.Contributions / o.Contributors;
        var warmContributors = Math.Max(1, (o.WarmupContributions + perContributor - 1) / perContributor);
        var requests = o.WarmupSettlements + o.Settlements;
        var callers = Math.Max(1, (requests + RequestsPerCaller - 1) / RequestsPerCaller);
        var devCount = 1 + o.Contributors + warmContributors + callers;

        var genesis = DevChain.Genesis(ChainId, Seed, devCount, balanceOpen: 1_000_000, o.BlockIntervalMs);
        var serving = Enumerable.Range(0, ServingOperators)
            .Select(k => PrivateKey.Derive(Seed, k == 0 ? DevChain.ServingOperatorLabel : $"{DevChain.ServingOperatorLabel}-{k + 1}")).ToArray();
        var attribution = Enumerable.Range(0, o.AttributionOperators)
            .Select(k => PrivateKey.Derive(Seed, k == 0 ? DevChain.AttributionOperatorLabel : $"{DevChain.AttributionOperatorLabel}-{k + 1}")).ToArray();
        foreach (var key in serving.Skip(1).Concat(attribution.Skip(1)))
            genesis.Allocations.Add(new Allocation { Address = key.Address.ToString(), Balance = Wei.FromOpen(1_000_000).ToString() });
        genesis.Marketplace.ServingOperators.AddRange(serving.Skip(1).Select(k => k.Address.ToString()));
        genesis.Marketplace.AttributionOperators.AddRange(attribution.Skip(1).Select(k => k.Address.ToString()));
        // Setup and the measured settlements span more blocks than the dev default (600) in a long run: an inference
        // must not expire before its settlement is measured.
        genesis.Marketplace.InferenceTimeoutBlocks = 100_000;
        var rules = genesis.ToRules();

        var keys = new PrivateKey[devCount];
        Parallel.For(0, devCount, i => keys[i] = DevChain.Account(Seed, i));
        var contributors = Runs(keys.AsSpan(1, o.Contributors).ToArray(), o.Contributions, 0);
        var warmKeys = keys.AsSpan(1 + o.Contributors, warmContributors).ToArray();
        var warm = Runs(warmKeys, o.WarmupContributions, o.Contributions);

        var seen = new HashSet<Hash32>();
        var (texts, digests) = TextCorpus.Build(CorpusSeed, 0, o.Contributions + o.WarmupContributions + o.Uploads, seen);

        // The ceiling's transactions: transfers among the contributors, signed as the ledger mode signs them.
        var ceiling = new byte[o.CeilingTransfers][];
        var senders = keys.AsSpan(1, o.Contributors).ToArray();
        Parallel.For(0, o.CeilingTransfers, i =>
        {
            var rng = new Random(i * 7919 + 17);
            var from = senders[i % senders.Length];
            var to = senders[(i % senders.Length + 1 + rng.Next(senders.Length - 1)) % senders.Length];
            ceiling[i] = new Transaction(ChainId, from.Address, (ulong)(i / senders.Length), rules.GasPriceFloor,
                new Transfer(to.Address, new Wei((UInt128)(ulong)rng.Next(1, 1_000) * 1_000_000_000_000UL))).Sign(from).Encode();
        });

        // Samples of the two measured kinds, as the phases sign them (random ids: Verify does not look at state).
        var samples = Math.Max(1_000, o.CeilingTransfers / 5);
        var contributes = new byte[samples][];
        var settlements = new byte[samples][];
        var contributeSign = ClientCpu(samples, i =>
        {
            var rng = new Random(i * 31 + 5);
            var d = digests[(o.Contributions + o.WarmupContributions + i) % digests.Length];
            var from = senders[i % senders.Length];
            contributes[i] = new Transaction(ChainId, from.Address, (ulong)(i / senders.Length), rules.GasPriceFloor,
                new Contribute(RandomHash(rng), d.ContentHash, d.NormalizedHash, (ulong)d.Size)).Sign(from).Encode();
        });
        var settleSign = ClientCpu(samples, i =>
        {
            var rng = new Random(i * 31 + 6);
            var ids = Enumerable.Range(0, o.Attributions).Select(_ => RandomHash(rng)).ToArray();
            var weights = ids.Select(_ => (ulong)rng.Next(1, 1_000_000)).ToArray();
            settlements[i] = new Transaction(ChainId, attribution[0].Address, (ulong)i, rules.GasPriceFloor,
                new SettleAttribution(RandomHash(rng), RandomHash(rng), ids, weights)).Sign(attribution[0]).Encode();
        });

        return new MarketWorkload
        {
            SampleContributes = contributes, SampleSettlements = settlements,
            ContributeSignMicros = contributeSign, SettleSignMicros = settleSign,
            Genesis = genesis, Rules = rules, Owner = keys[0], Contributors = contributors, WarmupContributors = warm,
            Callers = keys.AsSpan(1 + o.Contributors + warmContributors, callers).ToArray(),
            ServingKeys = serving, AttributionKeys = attribution, Treasury = DevChain.Treasury(Seed),
            Texts = texts, Digests = digests, UploadsFrom = o.Contributions + o.WarmupContributions,
            CeilingTransfers = ceiling, BuildTime = sw.Elapsed,
        };
    }

    /// <summary>Runs <paramref name="body"/> for 0..n-1 on all cores; the process CPU per item, in microseconds
    /// (the first 5% run first as a JIT warm-up and are not counted).</summary>
    private static double ClientCpu(int n, Action<int> body)
    {
        var warm = n / 20;
        Parallel.For(0, warm, body);
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Parallel.For(warm, n, body);
        return (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds * 1000 / (n - warm);
    }

    private static Hash32 RandomHash(Random rng)
    {
        Span<byte> b = stackalloc byte[32];
        rng.NextBytes(b);
        return new Hash32(b);
    }

    /// <summary>Spreads <paramref name="count"/> texts from <paramref name="first"/> over the senders: floor(count/n)
    /// each, one more for the first count mod n.</summary>
    private static ContributorRun[] Runs(PrivateKey[] senders, int count, int first)
    {
        var runs = new List<ContributorRun>(senders.Length);
        var at = first;
        for (int s = 0; s < senders.Length; s++)
        {
            var n = count / senders.Length + (s < count % senders.Length ? 1 : 0);
            if (n == 0) continue;
            runs.Add(new ContributorRun(senders[s], at, at + n));
            at += n;
        }
        return [.. runs];
    }
}
