using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>One pre-signed slice of transfers: its own senders, each a run of nonces from 0, so a slice can be sent to
/// any node of the chain at any time, whatever was sent before.</summary>
public sealed record TransferSlice(byte[][] Raw, Hash32[] Hashes);

/// <summary>The transfers benchmark's chain: one dev genesis whose accounts are cut into slices, a warm-up slice and a
/// measured slice per row (and per rerun), all signed before any silo starts.</summary>
public sealed class TransferSlices
{
    public required GenesisConfig Genesis { get; init; }
    private readonly Queue<(TransferSlice Warmup, TransferSlice Measured)> _rows = new();

    public static TransferSlices Create(ScaleOutOptions o, int rows)
    {
        var warmAccounts = o.WarmupTransfers == 0 ? 0 : Math.Max(2, o.WarmupTransfers / 10);
        var perRow = o.Accounts + warmAccounts;
        var genesis = DevChain.Genesis(Workload.ChainId, Workload.Seed, perRow * rows, balanceOpen: 1_000_000, o.BlockIntervalMs, maxBlockTxs: 20_000);
        var gasPrice = Wei.Parse(genesis.GasPriceFloor);
        var keys = new PrivateKey[perRow * rows];
        Parallel.For(0, keys.Length, i => keys[i] = DevChain.Account(Workload.Seed, i));
        var slices = new TransferSlices { Genesis = genesis };
        for (var r = 0; r < rows; r++)
        {
            var warm = Workload.Sign(keys.AsSpan(r * perRow, warmAccounts).ToArray(), o.WarmupTransfers, gasPrice);
            var measured = Workload.Sign(keys.AsSpan(r * perRow + warmAccounts, o.Accounts).ToArray(), o.Transfers, gasPrice);
            slices._rows.Enqueue((new TransferSlice(warm.Raw, warm.Hashes), new TransferSlice(measured.Raw, measured.Hashes)));
        }
        return slices;
    }

    /// <summary>The next unused row's slices.</summary>
    public (TransferSlice Warmup, TransferSlice Measured) Next() =>
        _rows.TryDequeue(out var row) ? row : throw new InvalidOperationException("no pre-signed slice left: more rows than planned");
}
