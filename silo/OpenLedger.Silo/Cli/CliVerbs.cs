using OpenLedger.Client;
using OpenLedger.Silo.Cli.Marketplace;
using OpenLedger.Silo.Cli.Ml;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Cli;

/// <summary>Every verb of <c>openledger</c> and how a command line maps to an exit code: 0 success; 1 refused or failed
/// on the node, no node at the URL, or no answer in time; 2 a mistake on the command line (the message names it). Program runs it, and so
/// do tests, in-process.</summary>
public static class CliVerbs
{
    /// <summary>The verbs other than the node's own (run, gateway), which only parse and print or reach a node as clients.</summary>
    public static readonly IReadOnlyList<string> ClientVerbs =
        ["keygen", "dev-keys", "genesis", "transfer", "account", "block", "tx", .. MarketplaceVerbs.Verbs];

    /// <summary>The client verbs that reach a node: through its public API only (GraphQL over HTTP, <see cref="NodeOptions"/>).</summary>
    public static readonly IReadOnlyList<string> NodeVerbs = ["transfer", "account", "block", "tx", .. MarketplaceVerbs.Verbs];

    public static async Task<int> RunAsync(string[] argv, TextWriter output, TextWriter error)
    {
        try
        {
            // `openledger VERB --help` prints the usage and does nothing else (for verbs whose options are all optional,
            // such as run or ml train-base, running would otherwise start the work).
            if (argv.Contains("--help") || argv.Contains("-h")) return Usage.Print();
            var args = new Args(argv);
            if (NodeVerbs.Contains(args.Verb)) NodeOptions.RefuseOrleansOptions(args);
            return args.Verb switch
            {
                "run" => await RunCommand.ExecuteAsync(args),
                "gateway" => await GatewayCommand.ExecuteAsync(args),
                "keygen" => KeygenCommand.Execute(args, output),
                "dev-keys" => KeygenCommand.ExecuteDevKeys(args, output),
                "genesis" => GenesisCommand.Execute(args),
                "transfer" => await TransferCommand.ExecuteAsync(args, output),
                "account" => await QueryCommands.AccountAsync(args, output),
                "block" => await QueryCommands.BlockAsync(args, output),
                "tx" => await QueryCommands.TransactionAsync(args, output),
                "verify" => await VerifyCommand.ExecuteAsync(args),
                "ml" => MlVerbs.Execute(args),
                var verb when MarketplaceVerbs.Handles(verb) => await MarketplaceVerbs.ExecuteAsync(args, output),
                "help" => Usage.Print(),
                _ => throw new UsageException($"unknown verb '{args.Verb}'"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("run `openledger help` for usage");
            return 2;
        }
        catch (Exception e) when (e is NodeUnreachableException or GraphQLRequestException)
        {
            // No node at the URL (the message names it), or the node refused the request with its stable code first
            // (e.g. OPERATOR_REQUIRED, UPLOAD_QUOTA_EXCEEDED).
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            // Connected, then the connection failed (reset, closed mid-answer, TLS): what the node did is not known.
            error.WriteLine($"error: the connection to the node failed ({e.Message}); check `openledger tx HASH` or `openledger account ADDRESS` before retrying");
            return 1;
        }
        catch (TimeoutException e)
        {
            // The node took too long to answer a call (a busy or stalled silo): nothing is known to have failed or succeeded.
            error.WriteLine($"error: the node did not answer in time ({e.Message}); check `openledger tx HASH` or `openledger account ADDRESS` before retrying");
            return 1;
        }
    }
}
