using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Benchmarks.GraphQL;

/// <summary>The chain (dev accounts from a seed) and the pre-signed transfers. Accounts [0, A) send the measured
/// batch, the next W accounts a warm-up batch, the last D accounts the small "drip" that keeps blocks coming.
/// Each sender sends a run of consecutive nonces and the list is ordered sender by sender, so a batch whose size is
/// a multiple of the run length carries whole runs: concurrent batches never depend on each other.</summary>
public sealed class Workload
{
    public const string Seed = "openledger graphql benchmark seed";
    public const ulong ChainId = 1_717;
    public const int DripAccounts = 40;

    public required GenesisConfig Genesis { get; init; }
    public required PrivateKey[] Keys { get; init; }
    public required byte[][] Raw { get; init; }
    public required byte[][] WarmupRaw { get; init; }
    public required int RunLength { get; init; }
    public required Wei GasPrice { get; init; }
    public TimeSpan SignTime { get; init; }

    public PrivateKey[] Drip => Keys[^DripAccounts..];

    public static Workload Create(Options o)
    {
        var run = Math.Max(1, o.Transactions / o.Accounts);
        var total = o.Accounts + o.WarmupAccounts + DripAccounts;
        var genesis = DevChain.Genesis(ChainId, Seed, total, balanceOpen: 1_000_000, o.BlockIntervalMs, maxBlockTxs: 20_000);
        var gasPrice = Wei.Parse(genesis.GasPriceFloor);
        var keys = new PrivateKey[total];
        Parallel.For(0, total, i => keys[i] = DevChain.Account(Seed, i));
        var sw = Stopwatch.StartNew();
        var raw = Sign(keys[..o.Accounts], run, gasPrice);
        var signTime = sw.Elapsed;
        var warm = Sign(keys[o.Accounts..(o.Accounts + o.WarmupAccounts)], run, gasPrice);
        return new Workload { Genesis = genesis, Keys = keys, Raw = raw, WarmupRaw = warm, RunLength = run, GasPrice = gasPrice, SignTime = signTime };
    }

    private static byte[][] Sign(PrivateKey[] senders, int run, Wei gasPrice)
    {
        var raw = new byte[senders.Length * run][];
        Parallel.For(0, senders.Length, s =>
        {
            var rng = new Random(s * 7919 + 17);
            for (int k = 0; k < run; k++)
            {
                var to = rng.Next(senders.Length - 1);
                if (to >= s) to++;
                var amount = new Wei((UInt128)(ulong)rng.Next(1, 1_000) * 1_000_000_000_000UL);
                raw[s * run + k] = new Transaction(ChainId, senders[s].Address, (ulong)k, gasPrice, new Transfer(senders[to].Address, amount))
                    .Sign(senders[s]).Encode();
            }
        });
        return raw;
    }

    public static byte[] Transfer(PrivateKey from, ulong nonce, Address to, Wei gasPrice) =>
        new Transaction(ChainId, from.Address, nonce, gasPrice, new Transfer(to, Wei.FromOpen(1))).Sign(from).Encode();
}
