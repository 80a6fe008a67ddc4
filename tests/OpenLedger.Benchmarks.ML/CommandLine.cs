namespace OpenLedger.Benchmarks.ML;

/// <summary>A mistake on the command line: the program prints it and the usage.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The verb and <c>--name value</c> / <c>--flag</c> options of a benchmark. Every verb reads its own options,
/// so this knows none; an option nobody reads is reported by <see cref="ThrowOnUnread"/> (a typo must not silently
/// run the defaults for a quarter of an hour).</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args)
    {
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)) Verb = args[i++];
        for (; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            // A value is the next argument unless that is itself an option: `--quick --threads 2`.
            string? value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            _options[name] = value;
        }
    }

    public string? Verb { get; }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value)) return false;
        return value is null ? true : throw new UsageException($"--{name} takes no value");
    }

    public int Int(string name, int fallback, int min = 0)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, out var value) || value < min) throw new UsageException($"--{name} needs an integer >= {min}");
        return value;
    }

    public string Text(string name, string fallback)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var text)) return fallback;
        return text ?? throw new UsageException($"--{name} needs a value");
    }

    public void ThrowOnUnread()
    {
        var unknown = _options.Keys.FirstOrDefault(k => !_read.Contains(k));
        if (unknown is not null) throw new UsageException($"unknown option --{unknown}");
    }
}
