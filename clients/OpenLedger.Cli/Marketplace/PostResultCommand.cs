using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger post-result --inference ID --output-hash H` (serving operators): posts the hash of an
/// inference's output.</summary>
public static class PostResultCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var body = Options.Body<PostResult>(PostResult.TryCreate, Options.Id(args, "inference", "inference"), Options.Id(args, "output-hash", "output content"));
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var o = await s.SendAsync(signer, body);
        if (o.Succeeded && await s.Client.GetInferenceAsync(body.Inference) is { } i)
        {
            s.Field("inference", i.Id);
            s.Field("status", i.Status);
            s.Field("output", i.Output);
            s.Field("settle by", $"block {i.DeadlineHeight}");
        }
        return o.ExitCode;
    }
}
