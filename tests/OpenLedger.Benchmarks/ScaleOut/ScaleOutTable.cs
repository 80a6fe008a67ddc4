using System.Globalization;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>Prints a scale-out table as markdown: one line per row, with the ratio of its rate to the fastest 1-silo
/// PostgreSQL row of the same run (every row taken, reruns included, so a row redone under load shows why).</summary>
public static class ScaleOutTable
{
    public static void Print(string title, string unit, int cpuPer, IReadOnlyList<ScaleRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        // The fastest 1-silo PostgreSQL row: on a shared machine the least disturbed one (a rerun exists because the first was).
        var reference = rows.Where(r => r.Silos == 1 && r.Store == StoreKind.PostgreSql && r.Failure is null).MaxBy(r => r.PerSecond);
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine();
        var header = new[]
        {
            "silos", "store", $"{unit}/s", "ratio to 1 silo", "latency p50 / p99", $"node CPU s per {cpuPer:N0}", $"PostgreSQL CPU s per {cpuPer:N0}",
            "done / asked", "wall", "load avg before -> after", "others' CPU", "note",
        };
        var lines = rows.Select(r => new[]
        {
            r.Silos.ToString(inv),
            r.Store == StoreKind.PostgreSql ? "PostgreSQL" : "SQLite",
            r.PerSecond.ToString(r.PerSecond >= 100 ? "N0" : "F2", inv),
            reference is null || r.Failure is not null ? "n/a" : (r.PerSecond / reference.PerSecond).ToString("F2", inv),
            $"{Ms(r.P50Ms)} / {Ms(r.P99Ms)}",
            r.NodeCpuPer(cpuPer).ToString("F2", inv),
            r.Store == StoreKind.PostgreSql ? r.PostgresCpuPer(cpuPer).ToString("F2", inv) : "-",
            $"{r.Done:N0} / {r.Asked:N0}",
            $"{r.WallSeconds:F1} s",
            $"{r.LoadBefore} -> {r.LoadAfter}",
            double.IsNaN(r.OthersShare) ? "n/a" : r.OthersShare.ToString("P0", inv),
            r.Failure ?? (r.Attempt > 1 ? $"attempt {r.Attempt}" : ""),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
        Console.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var l in lines) Console.WriteLine("| " + string.Join(" | ", l.Select((c, i) => c.PadRight(widths[i]))) + " |");
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "n/a" : ms >= 10_000 ? $"{ms / 1000:F1} s" : $"{ms:N0} ms";
}
