using System.Diagnostics;
using OpenLedger.Benchmarks.Ledger;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>The clocks a row reads at its start and end: wall, the silos' CPU, PostgreSQL's, this process's and the
/// whole machine's (so the share other processes took is known; the machine is shared).</summary>
public sealed class RowMeter(SiloCluster cluster, int? postmaster)
{
    private long _start;
    private double _nodes0, _pg0;
    private TimeSpan _self0;
    private MachineCpu _machine0;

    public string LoadBefore { get; private set; } = "n/a";

    public void Start()
    {
        LoadBefore = Marketplace.MachineInfo.LoadAverage();
        _nodes0 = cluster.CpuSeconds();
        _pg0 = postmaster is { } p ? ProcessCpu.PostgresSeconds(p) : 0;
        _self0 = Process.GetCurrentProcess().TotalProcessorTime;
        _machine0 = MachineCpu.Read();
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>The row's figures; <paramref name="perSecond"/>, latencies and counts come from the run itself.</summary>
    public ScaleRow Stop(int asked, int done, double perSecond, double p50Ms, double p99Ms, int attempt, string? failure = null)
    {
        var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var nodes = cluster.CpuSeconds() - _nodes0;
        var pg = postmaster is { } p ? ProcessCpu.PostgresSeconds(p) - _pg0 : 0;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _self0).TotalSeconds;
        var machine = MachineCpu.Read() - _machine0;
        var all = machine.BusySeconds + machine.IdleSeconds;
        // What neither the silos, PostgreSQL nor this driver used: other helpers' builds and benchmarks.
        var others = all > 0 ? Math.Clamp((machine.BusySeconds - nodes - pg - self) / all, 0, 1) : double.NaN;
        return new ScaleRow(cluster.Count, cluster.Store, asked, done, perSecond, p50Ms, p99Ms, nodes, pg, wall,
            LoadBefore, Marketplace.MachineInfo.LoadAverage(), others, attempt, failure);
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];
}
