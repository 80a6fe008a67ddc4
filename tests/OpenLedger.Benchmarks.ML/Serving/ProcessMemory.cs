using System.Runtime;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>The process's memory as the OS sees it (VmRSS: managed heap, native tensors, code, everything) and as
/// the GC sees it, after a full blocking collection with the large-object heap compacted, so freed artifacts' byte
/// arrays do not count as adapter memory.</summary>
public readonly record struct ProcessMemory(long ResidentBytes, long ManagedBytes)
{
    public static ProcessMemory Measure()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return new ProcessMemory(VmRss(), GC.GetTotalMemory(forceFullCollection: false));
    }

    private static long VmRss()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            // "VmRSS:    123456 kB"
            return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
