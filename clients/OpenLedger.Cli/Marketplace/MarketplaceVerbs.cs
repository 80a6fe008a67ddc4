using OpenLedger.Cli.Attribution;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Demo;
using OpenLedger.Cli.Inference;

namespace OpenLedger.Cli.Marketplace;

/// <summary>The marketplace verbs of <c>openledger-cli</c> and <c>openledger</c> (datanets, contributions, models, inference, rewards, proofs, attribution):
/// which verbs they are, and how one runs. Every verb writes to the given writer, so hosts other than Program (tests,
/// tools) run them in-process through <see cref="ClientVerbs"/>.</summary>
public static class MarketplaceVerbs
{
    public static readonly IReadOnlyList<string> Verbs =
        ["datanet", "contribute", "curate", "exclude", "flags", "publish-version", "model", "infer", "inference", "post-result", "settle", "rewards", "statement", "proof", "train", "attribution", "demo", "ml-silos", "adapter"];

    public static bool Handles(string verb) => Verbs.Contains(verb);

    /// <summary>Runs a marketplace verb. Exit code 0 on success, 1 when the node refused or failed what was asked (the
    /// stable error code is printed); a <see cref="UsageException"/> (exit code 2) is left to the caller.</summary>
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        try
        {
            return args.Verb switch
            {
                "datanet" => await DatanetCommand.ExecuteAsync(args, output),
                "contribute" => await ContributeCommand.ExecuteAsync(args, output),
                "curate" => await CurateCommand.ExecuteAsync(args, output),
                "exclude" => await ExcludeCommand.ExecuteAsync(args, output),
                "flags" => await FlagsCommand.ExecuteAsync(args, output),
                "publish-version" => await PublishVersionCommand.ExecuteAsync(args, output),
                "model" => await ModelCommand.ExecuteAsync(args, output),
                "infer" => await InferCommand.ExecuteAsync(args, output),
                "inference" => await InferenceCommand.ExecuteAsync(args, output),
                "post-result" => await PostResultCommand.ExecuteAsync(args, output),
                "settle" => await SettleCommand.ExecuteAsync(args, output),
                "rewards" => await RewardsCommand.ExecuteAsync(args, output),
                "statement" => await Books.StatementCommand.ExecuteAsync(args, output),
                "proof" => await ProofCommand.ExecuteAsync(args, output),
                "train" => await TrainCommand.ExecuteAsync(args, output),
                "attribution" => await AttributionCommand.ExecuteAsync(args, output),
                "demo" => await DemoCommand.ExecuteAsync(args, output),
                "ml-silos" => await Serving.MlSilosCommand.ListAsync(args, output),
                "adapter" => await Serving.MlSilosCommand.ActAsync(args, output),
                _ => throw new UsageException($"'{args.Verb}' is not a marketplace verb"),
            };
        }
        catch (CommandFailedException e)
        {
            output.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
