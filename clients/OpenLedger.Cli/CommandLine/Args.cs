namespace OpenLedger.Cli.CommandLine;

/// <summary>A minimal command line: a verb, positional values and <c>--name value</c> / <c>--flag</c> options. An
/// option given twice keeps every value (<see cref="Values"/>); <see cref="Get(string)"/> and <see cref="Value"/> read the last.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Name, string? Value)> _all = [];
    public string Verb { get; }
    public List<string> Positional { get; } = [];

    public Args(string[] argv)
    {
        Verb = argv.Length > 0 && !argv[0].StartsWith("--") ? argv[0] : "run";
        for (int i = Verb == "run" && (argv.Length == 0 || argv[0].StartsWith("--")) ? 0 : 1; i < argv.Length; i++)
        {
            var a = argv[i];
            if (a.StartsWith("--"))
            {
                var eq = a.IndexOf('=');
                var (name, value) = eq > 0 ? (a[2..eq], a[(eq + 1)..])
                    : i + 1 < argv.Length && !argv[i + 1].StartsWith("--") ? (a[2..], argv[++i])
                    : (a[2..], (string?)null);
                _options[name] = value;
                _all.Add((name, value));
            }
            else Positional.Add(a);
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The option's value as given: null when absent, or when given as a flag without a value.</summary>
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;
    public string Get(string name, string fallback) => Get(name) ?? fallback;

    /// <summary>The value of an option that takes one: null when absent; a usage error naming it when it was given
    /// without a value (<c>--nonce</c> at the end of the line, or before another option).</summary>
    public string? Value(string name) =>
        !_options.TryGetValue(name, out var v) ? null : v ?? throw new UsageException($"--{name} needs a value");

    /// <summary>Every value of an option given several times (<c>--alloc A=1 --alloc B=2</c>), in order.</summary>
    public IReadOnlyList<string> Values(string name) =>
        _all.Where(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(o => o.Value ?? throw new UsageException($"--{name} needs a value")).ToList();

    public int GetInt(string name, int fallback) =>
        Value(name) is { } v ? int.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new UsageException($"--{name} expects a number, got '{v}'") : fallback;

    /// <summary>The option's value as a full path (null when absent): a usage error when it is empty or not a path.</summary>
    public string? FullPath(string name) => Value(name) is { } text ? FullPath(text, $"--{name}") : null;

    /// <summary><paramref name="text"/> as a full path; <paramref name="what"/> names where it came from in the error.</summary>
    public static string FullPath(string text, string what)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Contains('\0')) throw new UsageException($"{what} '{text}' is not a path");
        try { return Path.GetFullPath(text); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { throw new UsageException($"{what} '{text}' is not a path: {e.Message}"); }
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int GetInt(string name, int fallback, int min, int max)
    {
        var n = GetInt(name, fallback);
        return n >= min && n <= max ? n : throw new UsageException($"--{name} must be {min}..{max}, got {n}");
    }

    /// <summary>The option's value, else the environment variable's (empty counts as unset): how every setting a node
    /// and the CLI share is read, so a cluster is configured through its environment.</summary>
    public string? ValueOrEnvironment(string name, string env) =>
        Value(name) ?? (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : null);

    /// <summary><see cref="ValueOrEnvironment"/> as a full path (a usage error naming both when it is not a path).</summary>
    public string? PathOrEnvironment(string name, string env) =>
        ValueOrEnvironment(name, env) is { } p ? FullPath(p, $"--{name} (or {env})") : null;
}
