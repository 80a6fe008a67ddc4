namespace OpenLedger.Benchmarks.ML;

/// <summary>A Markdown table printed when complete, its columns padded so it also reads as plain text (the README's
/// performance section pastes these as they are).</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"{cells.Length} cells for {headers.Length} columns");
        _rows.Add(cells.Select(c => c?.ToString() ?? "").ToArray());
    }

    public void Print(TextWriter? writer = null)
    {
        writer ??= Console.Out;
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |";
        writer.WriteLine(Line(headers));
        writer.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', Math.Max(3, w)))) + " |");
        foreach (var row in _rows) writer.WriteLine(Line(row));
        writer.WriteLine();
    }
}

/// <summary>Nearest-rank percentiles of a sample (no interpolation: every reported value was observed).</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static List<double> Sorted(IEnumerable<double> values)
    {
        var list = values.ToList();
        list.Sort();
        return list;
    }
}
