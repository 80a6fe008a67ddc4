namespace OpenLedger.Silo.Configuration;

/// <summary>A minimal command line: a verb, positional values and <c>--name value</c> / <c>--flag</c> options.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
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
                if (eq > 0) _options[a[2..eq]] = a[(eq + 1)..];
                else if (i + 1 < argv.Length && !argv[i + 1].StartsWith("--")) _options[a[2..]] = argv[++i];
                else _options[a[2..]] = null;
            }
            else Positional.Add(a);
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;
    public string Get(string name, string fallback) => Get(name) ?? fallback;
    public int GetInt(string name, int fallback) =>
        Get(name) is { } v ? int.TryParse(v, out var n) ? n : throw new UsageException($"--{name} expects a number, got '{v}'") : fallback;
}

/// <summary>A mistake on the command line: printed with usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
