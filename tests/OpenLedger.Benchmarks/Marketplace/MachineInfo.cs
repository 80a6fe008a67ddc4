using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>The machine lines every benchmark table starts with, and the JIT settling wait (as the ledger mode does).</summary>
public static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    /// <summary>Tiered compilation promotes hot methods in the background: wait until it stops compiling (no new
    /// method for half a second, at most 3 s) so its work is not charged to the measured phase.</summary>
    public static async Task<double> JitSettledAsync()
    {
        var sw = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(500);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == last) break;
            last = now;
        }
        return sw.Elapsed.TotalSeconds;
    }
}
