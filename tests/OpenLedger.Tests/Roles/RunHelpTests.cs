using System.Text.RegularExpressions;
using OpenLedger.Silo.Cli;

namespace OpenLedger.Tests.Roles;

/// <summary>`openledger run --help` lists every option `run` reads. The options are read by name in a few parsers
/// (NodeSettings.From and what it calls: GatewaySettings, LocalNodeFiles, GenesisFile, RolesOption, RunCommand); their
/// sources are scanned for the names, so an option added to a parser but not to the help fails here.</summary>
public sealed partial class RunHelpTests
{
    private static readonly string[] Parsers =
    [
        "silo/OpenLedger.Silo/Configuration/NodeSettings.cs",
        "silo/OpenLedger.Silo/Configuration/RolesOption.cs",
        "silo/OpenLedger.Silo/Cli/RunCommand.cs",
        "graphql/OpenLedger.Gateway/Configuration/GatewaySettings.cs",
        "clients/OpenLedger.Cli/CommandLine/LocalNodeFiles.cs",
        "clients/OpenLedger.Cli/CommandLine/GenesisFile.cs",
    ];

    [Fact]
    public async Task Every_option_run_reads_is_in_its_help()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CliVerbs.RunAsync(["run", "--help"], output, new StringWriter()));
        var help = output.ToString();
        var start = help.IndexOf("\n  run ", StringComparison.Ordinal);
        var end = help.IndexOf("\n  gateway ", start + 1, StringComparison.Ordinal);
        var listed = Regex.Matches(help[start..end], "--([a-z][a-z0-9-]*)").Select(m => m.Groups[1].Value).ToHashSet();

        var read = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Parsers)
        {
            var source = await File.ReadAllTextAsync(Path.Combine(OpenLedger.Tests.Architecture.ProjectReferenceTests.RepositoryRoot(), file));
            foreach (Match m in OptionRead().Matches(source)) read.Add(m.Groups["name"].Value);
        }
        Assert.Superset(new SortedSet<string>(["postgres", "roles", "no-ml", "cluster-cert", "allowed-hosts", "allowed-origins", "operator-token", "http-port"]), read);
        var missing = read.Where(o => !listed.Contains(o)).ToList();
        Assert.True(missing.Count == 0, $"`openledger run --help` does not list: {string.Join(", ", missing.Select(o => "--" + o))}");
    }

    // args.Has("x"), args.Value("x"), args.GetInt("x", ...), Opt("x", "ENV"), PathOpt(...), Long(...), Port(args, "x", ...),
    // Count(args, "x", ...), args.ValueOrEnvironment("x", ...), args.PathOrEnvironment("x", ...).
    [GeneratedRegex("\\b(?:Has|Value|Get|GetInt|FullPath|ValueOrEnvironment|PathOrEnvironment|Opt|PathOpt|Long|GivenKey)\\(\"(?<name>[a-z][a-z0-9-]*)\"|\\b(?:Port|Count)\\(args, \"(?<name>[a-z][a-z0-9-]*)\"")]
    private static partial Regex OptionRead();
}
