using System.Diagnostics.Metrics;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Hosting;

/// <summary>The ledger's own metrics (meter "OpenLedger"), exported with Orleans' ("Microsoft.Orleans") by OpenTelemetry.</summary>
public static class LedgerMetrics
{
    public const string MeterName = "OpenLedger";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> BlocksCommitted = Meter.CreateCounter<long>("openledger.blocks.committed", description: "Blocks committed by this node's producer.");
    public static readonly Counter<long> TransactionsCommitted = Meter.CreateCounter<long>("openledger.transactions.committed", description: "Transactions included in committed blocks.");
    public static readonly Counter<long> TransactionsRejected = Meter.CreateCounter<long>("openledger.transactions.rejected", description: "Submissions rejected at admission, by error code.");
    public static readonly Counter<long> TransactionsEvicted = Meter.CreateCounter<long>("openledger.transactions.evicted", description: "Admitted transactions the mempool evicted, by reason.");
    public static readonly Counter<long> BlockFaults = Meter.CreateCounter<long>("openledger.blocks.faulted", description: "Blocks whose execution faulted; their changes were discarded.");
    /// <summary>1 when signatures are recovered by native libsecp256k1, 0 on the managed fallback (the banner says why).</summary>
    public static readonly ObservableGauge<int> Secp256k1Native = Meter.CreateObservableGauge("openledger.secp256k1.native",
        () => Secp256k1.IsNative ? 1 : 0, description: "1: secp256k1 recovery on native libsecp256k1; 0: on the managed NBitcoin.Secp256k1 fallback.");
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("openledger.block.commit.duration", unit: "ms", description: "Time to execute, sign and commit one block.");
}
