using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The benchmark's chain and its pre-signed transfers. Sender i sends a run of consecutive nonces
/// (0, 1, ...) to random other accounts; the list is ordered sender by sender, so a submission batch carries
/// whole runs and the mempool sees every nonce in order.</summary>
public sealed class Workload
{
    public const string Seed = "openledger benchmark seed";
    public const ulong ChainId = 1_717;

    public required GenesisConfig Genesis { get; init; }
    public required PrivateKey[] Keys { get; init; }
    public required byte[][] Raw { get; init; }
    public required Hash32[] Hashes { get; init; }
    /// <summary>Transfers among separate warm-up accounts, pushed through the node before the measured run so that
    /// the measured run sees tiered-up code (a long-running node is warm) and none of its accounts is touched.</summary>
    public required byte[][] WarmupRaw { get; init; }
    public required Hash32[] WarmupHashes { get; init; }
    public TimeSpan KeyTime { get; init; }
    public TimeSpan SignTime { get; init; }

    public static Workload Create(int accounts, int transactions, int warmupAccounts, int warmupTransactions, int blockIntervalMs, int maxBlockTxs)
    {
        var genesis = DevChain.Genesis(ChainId, Seed, accounts + warmupAccounts, balanceOpen: 1_000_000, blockIntervalMs, maxBlockTxs);
        var gasPrice = Wei.Parse(genesis.GasPriceFloor);

        var sw = System.Diagnostics.Stopwatch.StartNew();
        var keys = new PrivateKey[accounts + warmupAccounts];
        Parallel.For(0, keys.Length, i => keys[i] = DevChain.Account(Seed, i));
        var keyTime = sw.Elapsed;

        sw.Restart();
        var (raw, hashes) = Sign(keys.AsSpan(0, accounts).ToArray(), transactions, gasPrice);
        var signTime = sw.Elapsed;
        var (warmRaw, warmHashes) = Sign(keys.AsSpan(accounts).ToArray(), warmupTransactions, gasPrice);
        return new Workload
        {
            Genesis = genesis, Keys = keys, Raw = raw, Hashes = hashes, WarmupRaw = warmRaw, WarmupHashes = warmHashes,
            KeyTime = keyTime, SignTime = signTime,
        };
    }

    /// <summary>Each sender a run of consecutive nonces from 0 (also the scale-out benchmark's slices of one genesis).</summary>
    public static (byte[][] Raw, Hash32[] Hashes) Sign(PrivateKey[] senders, int transactions, Wei gasPrice)
    {
        var n = senders.Length;
        // Sender s owns the slice [start[s], start[s+1]) of the list: floor(T/N) transfers, one more for the first T mod N.
        var start = new int[n + 1];
        for (int s = 0; s < n; s++) start[s + 1] = start[s] + transactions / n + (s < transactions % n ? 1 : 0);
        var raw = new byte[transactions][];
        var hashes = new Hash32[transactions];
        Parallel.For(0, n, s =>
        {
            var rng = new Random(s * 7919 + 17);
            for (int k = start[s]; k < start[s + 1]; k++)
            {
                var to = rng.Next(n - 1);
                if (to >= s) to++; // anyone of the same group but the sender
                var amount = new Wei((UInt128)(ulong)rng.Next(1, 1_000) * 1_000_000_000_000UL);
                var signed = new Transaction(ChainId, senders[s].Address, (ulong)(k - start[s]), gasPrice,
                    new Transfer(senders[to].Address, amount)).Sign(senders[s]);
                raw[k] = signed.Encode();
                hashes[k] = signed.Hash;
            }
        });
        return (raw, hashes);
    }
}
