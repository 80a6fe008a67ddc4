using System.Diagnostics.Metrics;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>Listens to the node's own "OpenLedger" meter in-process: the producer's time per block (execute, sign and
/// commit; <see cref="LedgerMetrics.CommitDuration"/>). The producer is one activation, so this is the serial part of
/// the node's work; its sum over a phase against the phase's wall time says how close the producer was to saturation.</summary>
public sealed class NodeMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private double _commitMs, _maxCommitMs;
    private long _blocks;

    public NodeMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LedgerMetrics.MeterName && instrument.Name == "openledger.block.commit.duration")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_gate)
            {
                _commitMs += value;
                _maxCommitMs = Math.Max(_maxCommitMs, value);
                _blocks++;
            }
        });
        _listener.Start();
    }

    public readonly record struct Snapshot(double CommitMs, long Blocks, double MaxCommitMs)
    {
        public static Snapshot operator -(Snapshot a, Snapshot b) => new(a.CommitMs - b.CommitMs, a.Blocks - b.Blocks, a.MaxCommitMs);
    }

    /// <summary>Totals so far; the max is since <see cref="ResetMax"/>.</summary>
    public Snapshot Read()
    {
        lock (_gate) return new(_commitMs, _blocks, _maxCommitMs);
    }

    public void ResetMax()
    {
        lock (_gate) _maxCommitMs = 0;
    }

    public void Dispose() => _listener.Dispose();
}
