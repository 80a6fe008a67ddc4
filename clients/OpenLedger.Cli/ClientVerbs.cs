using OpenLedger.Cli.Chain;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;
using OpenLedger.Cli.Marketplace;

namespace OpenLedger.Cli;

/// <summary>The verbs that only parse and print or reach a node as its client (keys, genesis files, transfers, queries,
/// the marketplace, Model Factory's jobs): what <c>openledger-cli</c> runs, and the node executable <c>openledger</c>
/// too, beside its own verbs.</summary>
public static class ClientVerbs
{
    public static readonly IReadOnlyList<string> Verbs =
        ["keygen", "dev-keys", "genesis", "transfer", "account", "block", "tx", .. MarketplaceVerbs.Verbs];

    /// <summary>The client verbs that reach a node: through its public API only (GraphQL over HTTP, <see cref="NodeOptions"/>).</summary>
    public static readonly IReadOnlyList<string> NodeVerbs = ["transfer", "account", "block", "tx", .. MarketplaceVerbs.Verbs];

    /// <summary>The node executable's own verbs, which this one answers with where to find them.</summary>
    public static readonly IReadOnlyList<string> NodeOnlyVerbs = ["run", "gateway", "verify", "ml"];

    public static bool Handles(string verb) => Verbs.Contains(verb);

    /// <summary>Runs a client verb; a mistake on the command line is a <see cref="UsageException"/>, left to
    /// <see cref="VerbHost"/>.</summary>
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        if (NodeVerbs.Contains(args.Verb)) NodeOptions.RefuseOrleansOptions(args);
        return args.Verb switch
        {
            "keygen" => KeygenCommand.Execute(args, output),
            "dev-keys" => KeygenCommand.ExecuteDevKeys(args, output),
            "genesis" => GenesisCommand.Execute(args),
            "transfer" => await TransferCommand.ExecuteAsync(args, output),
            "account" => await QueryCommands.AccountAsync(args, output),
            "block" => await QueryCommands.BlockAsync(args, output),
            "tx" => await QueryCommands.TransactionAsync(args, output),
            var verb when MarketplaceVerbs.Handles(verb) => await MarketplaceVerbs.ExecuteAsync(args, output),
            _ => throw new UsageException($"'{args.Verb}' is not a client verb"),
        };
    }
}
