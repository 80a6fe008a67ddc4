using System.Text.RegularExpressions;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Gateway;
using OpenLedger.Gateway.Configuration;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Tests.Deploy;

/// <summary>An <c>openledger</c> command line found in a compose file or manifest, checked against the built CLI: its
/// options are the ones the verb's --help lists (the parser itself ignores unknown options, so a typo would pass it), and
/// the built parser reads it (values of the right form, nothing left over). What the node would listen on comes back.</summary>
/// <param name="Roles">A silo's roles (--roles, --no-ml); none for the gateway.</param>
public sealed record NodeCommandLine(string Where, string Verb, int HttpPort, bool Ml, SiloRoles Roles = SiloRoles.None)
{
    /// <summary>The options `openledger run` takes: the run section of `openledger run --help` (which lists every option
    /// the node reads: Roles/RunHelpTests), and the gateway's options, which a node reads through the same parser.</summary>
    public static async Task<IReadOnlySet<string>> RunOptionsAsync()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CliVerbs.RunAsync(["run", "--help"], output, new StringWriter()));
        var help = output.ToString();
        var start = help.IndexOf("\n  run ", StringComparison.Ordinal);
        var end = help.IndexOf("\n  gateway ", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "`openledger run --help` has a run section followed by gateway");
        return Options(help[start..end]).Union(GatewayOptions()).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The options the gateway documents: the help of its executable (`openledger gateway` runs the same command).</summary>
    public static IReadOnlySet<string> GatewayOptions()
    {
        var output = new StringWriter();
        GatewayUsage.Print(output);
        return Options(output.ToString());
    }

    private static HashSet<string> Options(string help) =>
        Regex.Matches(help, "--([a-z][a-z0-9-]*)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Checks <paramref name="argv"/> (after the executable) and returns what it sets.</summary>
    public static NodeCommandLine Parse(string where, IReadOnlyList<string> argv, IReadOnlySet<string> runOptions, IReadOnlySet<string> gatewayOptions)
    {
        Assert.True(argv.Count > 0, $"{where}: no verb");
        var verb = argv[0];
        var known = verb switch
        {
            "run" => runOptions,
            "gateway" => gatewayOptions,
            _ => throw new Xunit.Sdk.XunitException($"{where}: verb '{verb}' is neither run nor gateway"),
        };
        foreach (var token in argv.Skip(1).Where(t => t.StartsWith("--", StringComparison.Ordinal)))
        {
            var name = token[2..].Split('=')[0];
            Assert.True(known.Contains(name), $"{where}: --{name} is not an option `openledger {verb} --help` lists");
        }
        var args = new Args([.. argv]);
        Assert.True(args.Positional.Count == 0, $"{where}: stray words {string.Join(' ', args.Positional)} (a flag followed by a value it does not take?)");
        if (verb == "run")
        {
            var node = NodeSettings.From(args);
            return new NodeCommandLine(where, verb, node.HttpPort, node.Ml, node.Roles);
        }
        var gateway = GatewaySettings.From(args);
        return new NodeCommandLine(where, verb, gateway.HttpPort, Ml: false);
    }

    /// <summary>The port of a health check's URL, which must be the node's /healthz on its loopback.</summary>
    public static int HealthzPort(string where, IEnumerable<string> command)
    {
        var url = command.Select(c => Regex.Match(c, @"^http://127\.0\.0\.1:(\d+)/healthz$")).SingleOrDefault(m => m.Success);
        Assert.True(url is not null, $"{where}: the check does not call http://127.0.0.1:PORT/healthz ({string.Join(' ', command)})");
        return int.Parse(url.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Compose's interpolation of ${VAR:-default} with nothing set: the default (what a plain `up` runs with).</summary>
    public static string Interpolated(string text) => Regex.Replace(text, @"\$\{[A-Z0-9_]+:-([^}]*)\}", m => m.Groups[1].Value);
}
