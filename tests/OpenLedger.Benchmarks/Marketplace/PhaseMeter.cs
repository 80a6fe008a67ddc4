using System.Diagnostics;
using OpenLedger.Benchmarks.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>Where a phase's time went on the machine: this process's CPU (node and client together: they share the
/// process), the other processes' and idle time, from /proc/stat; and the garbage collector.</summary>
public sealed record PhaseCpu(double WallSeconds, TimeSpan ProcessCpu, MachineCpu Machine, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
{
    public static int Cores => Environment.ProcessorCount;

    /// <summary>Share of all cores' time: this process, other processes, idle.</summary>
    public (double Ours, double Others, double Idle) Shares
    {
        get
        {
            var total = Machine.BusySeconds + Machine.IdleSeconds;
            var ours = ProcessCpu.TotalSeconds / (WallSeconds * Cores);
            if (double.IsNaN(total) || total <= 0) return (ours, double.NaN, double.NaN);
            return (ours, Math.Max(0, Machine.BusySeconds - ProcessCpu.TotalSeconds) / total, Machine.IdleSeconds / total);
        }
    }

    public double MicrosPer(int items) => items == 0 ? double.NaN : ProcessCpu.TotalMilliseconds * 1000 / items;

    public string Describe()
    {
        var (ours, others, idle) = Shares;
        return $"{ours:P0} / {(double.IsNaN(others) ? "n/a" : others.ToString("P0"))} / {(double.IsNaN(idle) ? "n/a" : idle.ToString("P0"))} of {Cores} cores";
    }
}

public sealed class PhaseMeter
{
    private readonly long _t0 = Stopwatch.GetTimestamp();
    private readonly TimeSpan _cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly MachineCpu _machine0 = MachineCpu.Read();
    private readonly (int, int, int, TimeSpan) _gc0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public PhaseCpu Stop() => new(
        Stopwatch.GetElapsedTime(_t0).TotalSeconds,
        Process.GetCurrentProcess().TotalProcessorTime - _cpu0,
        MachineCpu.Read() - _machine0,
        GC.CollectionCount(0) - _gc0.Item1, GC.CollectionCount(1) - _gc0.Item2, GC.CollectionCount(2) - _gc0.Item3,
        GC.GetTotalPauseDuration() - _gc0.Item4);
}
