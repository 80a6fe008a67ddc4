using OpenLedger.Cli.CommandLine;
using OpenLedger.Silo.Cli.Attribution;
using OpenLedger.Silo.Cli.Ml;

namespace OpenLedger.Silo.Cli;

/// <summary>Every verb of <c>openledger</c>: the node's own (run, gateway, verify, ml, attribution verify), then the client verbs it
/// carries from <c>openledger-cli</c> (<see cref="ClientVerbs"/>). Exit codes as <see cref="VerbHost"/> maps them.
/// Program runs it, and so do tests, in-process.</summary>
public static class CliVerbs
{
    /// <summary>The verbs other than the node's own (run, gateway, verify, ml), which only parse and print or reach a node as clients.</summary>
    public static IReadOnlyList<string> ClientVerbs => OpenLedger.Cli.ClientVerbs.Verbs;

    public static Task<int> RunAsync(string[] argv, TextWriter output, TextWriter error) =>
        VerbHost.RunAsync("openledger", argv, output, error, ExecuteAsync, Usage.Print);

    private static async Task<int> ExecuteAsync(Args args, TextWriter output) => args.Verb switch
    {
        "run" => await RunCommand.ExecuteAsync(args),
        "gateway" => await OpenLedger.Gateway.GatewayCommand.ExecuteAsync(args),
        "verify" => await VerifyCommand.ExecuteAsync(args),
        "ml" => MlVerbs.Execute(args, output),
        // Before the client verbs: `attribution verify` recomputes with the ML engine, which only the node carries.
        "attribution" when args.Positional.FirstOrDefault() == "verify" => await AttributionVerifyCommand.ExecuteAsync(args, output),
        var verb when OpenLedger.Cli.ClientVerbs.Handles(verb) => await OpenLedger.Cli.ClientVerbs.ExecuteAsync(args, output),
        _ => throw new UsageException($"unknown verb '{args.Verb}'"),
    };
}
