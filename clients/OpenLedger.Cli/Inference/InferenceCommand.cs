using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Marketplace;

namespace OpenLedger.Cli.Inference;

/// <summary>`openledger inference show --id ID`: one paid inference as the node knows it (status, model, escrow, input
/// and output texts, provenance, settlement credits, the attribution worker's failure code if it failed).</summary>
public static class InferenceCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        Options.SubVerb(args, "inference", "show");
        var id = Options.Id(args, "id", "inference");
        using var s = await MarketSession.ConnectAsync(args, output);
        var d = await s.Client.GetInferenceDetailsAsync(id) ?? throw new CommandFailedException($"UnknownInference: no inference {id} on this chain");
        InferenceReport.Print(s, d);
        return 0;
    }
}
