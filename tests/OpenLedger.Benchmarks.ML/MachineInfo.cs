using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.Benchmarks.ML;

/// <summary>What a reader needs to compare figures across runs: the machine, the runtime, the date, and how busy the
/// machine was with other work (the benchmarks run on shared machines, where that moves the numbers a lot).</summary>
public static class MachineInfo
{
    public static string Describe(int torchThreads) =>
        $"machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB, {RuntimeInformation.OSDescription}; " +
        $"{RuntimeInformation.FrameworkDescription}; torch threads {torchThreads}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; " +
        $"load average {LoadAverage()}";

    public static string LoadAverage() => Read("/proc/loadavg") is { } text ? string.Join(" ", text.Split(' ').Take(3)) : "n/a";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";

    private static string MemoryGiB() =>
        Read("/proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024).ToString("0")
            : "?";

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

/// <summary>The share of the machine's CPU that other processes took over an interval: all busy time from
/// /proc/stat minus this process's own. Printed beside each table so a noisy run is visible as such.</summary>
public sealed class CpuShare
{
    private readonly (long Busy, long Total) _start = Sample();
    private readonly TimeSpan _ownStart = Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>"others 3% of the CPU" since construction (n/a off Linux).</summary>
    public string Others()
    {
        var end = Sample();
        var total = end.Total - _start.Total;
        if (total <= 0) return "others n/a";
        var ticksPerSecond = 100.0; // USER_HZ: 100 on every Linux this runs on
        var own = (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds * ticksPerSecond;
        var others = Math.Max(0, end.Busy - _start.Busy - own);
        return $"others took {others / total:P0} of the CPU";
    }

    private static (long Busy, long Total) Sample()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var total = cpu.Take(8).Sum(); // user nice system idle iowait irq softirq steal
            var idle = cpu[3] + cpu[4];
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (0, 0);
        }
    }
}
