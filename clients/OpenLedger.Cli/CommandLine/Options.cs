using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.CommandLine;

/// <summary>Parsing of the verbs' options. Every mistake is a <see cref="UsageException"/> (exit code 2) naming the
/// option and the value it got, found before the verb reaches a node.</summary>
public static class Options
{
    public static string SubVerb(Args args, string verb, params string[] choices)
    {
        var sub = args.Positional.FirstOrDefault();
        if (sub is null || !choices.Contains(sub)) throw new UsageException($"usage: openledger {verb} {string.Join('|', choices)} [options]");
        return sub;
    }

    public static string Text(Args args, string name) =>
        args.Value(name) is { Length: > 0 } v ? v : throw new UsageException($"--{name} is required");

    public static Hash32 Id(Args args, string name, string what) =>
        args.Value(name) is { } v ? ParseHash(v, name, what) : throw new UsageException($"--{name} is required: the {what} (0x + 64 hex)");

    public static Hash32? OptionalId(Args args, string name, string what) => args.Value(name) is { } v ? ParseHash(v, name, what) : null;

    public static Hash32 ParseHash(string text, string name, string what) =>
        Hash32.TryParse(text.Trim(), out var h) ? h : throw new UsageException($"--{name} '{text}' is not {Article(what)} {what} id (0x + 64 hex)");

    public static Address? OptionalAddress(Args args, string name) => args.Value(name) is { } v ? ParseAddress(v, name) : null;

    public static Address RequiredAddress(Args args, string name) =>
        OptionalAddress(args, name) ?? throw new UsageException($"--{name} is required: an address (0x + 40 hex)");

    public static Address ParseAddress(string text, string name) =>
        Address.TryParse(text.Trim(), out var a) ? a : throw new UsageException($"--{name} '{text}' is not an address (0x + 40 hex)");

    /// <summary>A comma-separated list; empty entries are dropped, so <c>--tags ""</c> clears a list.</summary>
    public static string[] List(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static Address[] Addresses(string text, string name) =>
        List(text).Select(a => Address.TryParse(a, out var x) ? x : throw new UsageException($"--{name}: '{a}' is not an address (0x + 40 hex)")).ToArray();

    public static Hash32[] Hashes(string text, string name, string what) => List(text).Select(h => ParseHash(h, name, what)).ToArray();

    public static Wei? OptionalOpen(Args args, string name) =>
        args.Value(name) is { } v ? Wei.TryParseOpen(v, out var w) ? w : throw new UsageException($"--{name} '{v}' is not an amount of OPEN such as 12.5") : null;

    public static Wei Open(Args args, string name) =>
        OptionalOpen(args, name) ?? throw new UsageException($"--{name} is required: an amount of OPEN such as 12.5");

    public static Wei? OptionalWei(Args args, string name) =>
        args.Value(name) is { } v ? Wei.TryParse(v, out var w) ? w : throw new UsageException($"--{name} '{v}' is not an amount of wei (decimal digits)") : null;

    public static ulong? OptionalULong(Args args, string name) =>
        args.Value(name) is { } v ? ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new UsageException($"--{name} '{v}' is not a number (0, 1, 2, ...)") : null;

    public static uint UInt(Args args, string name, uint fallback, uint min = 0) =>
        args.Value(name) is not { } v ? fallback
        : uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min ? n
        : throw new UsageException($"--{name} '{v}' is not a number{(min > 0 ? $" from {min}" : "")}");

    public static double Double(Args args, string name, double fallback) =>
        args.Value(name) is not { } v ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
        : throw new UsageException($"--{name} '{v}' is not a number");

    /// <summary>A duration in seconds (fractions allowed), above zero.</summary>
    public static TimeSpan? OptionalSeconds(Args args, string name) =>
        args.Value(name) is not { } v ? null
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 86_400 ? TimeSpan.FromSeconds(s)
        : throw new UsageException($"--{name} '{v}' is not a number of seconds (above 0, at most 86400)");

    public static ushort Bps(Args args, string name, ushort fallback) =>
        args.Value(name) is not { } v ? fallback
        : ushort.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b <= 10_000 ? b
        : throw new UsageException($"--{name} '{v}' is not basis points (0..10000)");

    public static T Choice<T>(Args args, string name, T fallback, params (string Name, T Value)[] choices)
    {
        if (args.Get(name) is not { } v) return args.Has(name) ? throw new UsageException($"--{name} needs a value: {string.Join('|', choices.Select(c => c.Name))}") : fallback;
        foreach (var c in choices) if (c.Name == v) return c.Value;
        throw new UsageException($"--{name} must be one of {string.Join('|', choices.Select(c => c.Name))}, not '{v}'");
    }

    /// <summary>Builds a transaction body through the kind's own constructor, so the field limits the node would apply
    /// (lengths, counts, duplicates) are usage errors here.</summary>
    public static T Body<T>(TxBodies.Factory create, params object[] values) where T : class, ITxBody
    {
        var e = create(values, out var body);
        return e.IsError ? throw new UsageException(e.Message) : (T)body!;
    }

    private static string Article(string what) => "aeiou".Contains(what[0]) ? "an" : "a";
}
