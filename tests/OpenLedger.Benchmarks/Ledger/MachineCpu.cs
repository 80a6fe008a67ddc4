namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The whole machine's CPU time from /proc/stat, to tell apart a node that idles from a machine that is busy
/// with other work (the cores here are shared: a build running beside the benchmark lowers every number).</summary>
public readonly record struct MachineCpu(double BusySeconds, double IdleSeconds)
{
    public static MachineCpu Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already inside user)
            const double hz = 100.0; // USER_HZ on Linux
            var idle = f[3] + f[4];
            var busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f.Length > 7 ? f[7] : 0);
            return new MachineCpu(busy / hz, idle / hz);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return new MachineCpu(double.NaN, double.NaN);
        }
    }

    /// <summary>The share of the machine other processes left to us over an interval in which this process used
    /// <paramref name="ours"/>: 1 - (busy time not ours) / (all cores' time). Idle time counts as available: a node
    /// that leaves cores idle is not excused by this.</summary>
    public double AvailableShare(TimeSpan ours)
    {
        var total = BusySeconds + IdleSeconds;
        if (double.IsNaN(total) || total <= 0) return 1;
        return Math.Clamp(1 - Math.Max(0, BusySeconds - ours.TotalSeconds) / total, 0.05, 1);
    }

    public static MachineCpu operator -(MachineCpu a, MachineCpu b) => new(a.BusySeconds - b.BusySeconds, a.IdleSeconds - b.IdleSeconds);
}
