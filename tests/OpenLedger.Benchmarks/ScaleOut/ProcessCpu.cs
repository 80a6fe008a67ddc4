using System.Globalization;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>CPU seconds of other processes from /proc/PID/stat: the silos are separate OS processes, so their CPU is
/// not this process's <c>TotalProcessorTime</c>. Found by their command line rather than by a handle, so the tests'
/// launchers (linked here unchanged) need nothing new.</summary>
public static class ProcessCpu
{
    /// <summary>USER_HZ on Linux: /proc counts CPU time in ticks of 1/100 s.</summary>
    private const double TicksPerSecond = 100.0;

    /// <summary>User + system seconds of <paramref name="pid"/>; with <paramref name="reapedChildren"/> also those of the
    /// children it has waited for (a PostgreSQL postmaster's finished backends). NaN when the process is gone.</summary>
    public static double Seconds(int pid, bool reapedChildren = false)
    {
        var f = StatFields(pid);
        if (f is null) return double.NaN;
        // Fields after "pid (comm) ": state=0, ppid=1, ... utime=11, stime=12, cutime=13, cstime=14.
        var s = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        if (reapedChildren) s += long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
        return s / TicksPerSecond;
    }

    /// <summary>The live process whose argument list holds <paramref name="option"/> immediately followed by <paramref name="value"/>.</summary>
    public static int? FindByArguments(string option, string value) =>
        AllPids().Cast<int?>().FirstOrDefault(pid => HasArgumentPair(Arguments(pid!.Value), option, value));

    /// <summary>The live direct children of <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> Children(int parent) =>
        AllPids().Where(pid => StatFields(pid) is { } f && f[1] == parent.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>A PostgreSQL server's CPU so far: the postmaster with its finished backends, plus the live ones.</summary>
    public static double PostgresSeconds(int postmaster) =>
        Seconds(postmaster, reapedChildren: true) + Children(postmaster).Select(c => Seconds(c)).Where(s => !double.IsNaN(s)).Sum();

    private static bool HasArgumentPair(string[] args, string option, string value)
    {
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == option && args[i + 1] == value) return true;
        return false;
    }

    private static IEnumerable<int> AllPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) yield return pid;
    }

    private static string[] Arguments(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (IOException) { return []; } // gone meanwhile
        catch (UnauthorizedAccessException) { return []; }
    }

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
