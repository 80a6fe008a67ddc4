using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger settle --inference ID --record HASH --attributions CID:WEIGHT,...` (attribution operators):
/// settles a served inference; the escrow splits exactly between protocol, owner and the attributed contributors by
/// weight. Prints every payout.</summary>
public static class SettleCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var inference = Options.Id(args, "inference", "inference");
        var record = Options.Id(args, "record", "attribution record");
        var (contributions, weights) = Attributions(args.Get("attributions"));
        var body = Options.Body<SettleAttribution>(SettleAttribution.TryCreate, inference, record, contributions, weights);
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var o = await s.SendAsync(signer, body);
        if (!o.Succeeded) return o.ExitCode;
        s.Field("inference", inference);
        if (await s.Client.GetInferenceAsync(inference) is { } i) s.Field("escrow", MarketSession.Open(i.Escrow));
        var payouts = (await s.Client.GetInferenceRewardsAsync(inference)).Where(e => e.TxHash == o.Hash).OrderBy(e => e.Sequence);
        foreach (var e in payouts)
        {
            output.WriteLine($"  {e.Detail,-12} {e.Party}  {MarketSession.Open(e.Amount ?? Wei.Zero)}{(e.Contribution is { } c ? "  for " + c : "")}");
        }
        return 0;
    }

    private static (Hash32[] Contributions, ulong[] Weights) Attributions(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException("--attributions is required: CONTRIBUTION_ID:WEIGHT,... (integer weights)");
        var entries = Options.List(text);
        var ids = new Hash32[entries.Length];
        var weights = new ulong[entries.Length];
        for (int k = 0; k < entries.Length; k++)
        {
            var parts = entries[k].Split(':');
            if (parts.Length != 2 || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out weights[k]))
                throw new UsageException($"--attributions: '{entries[k]}' is not CONTRIBUTION_ID:WEIGHT (an integer weight)");
            ids[k] = Options.ParseHash(parts[0], "attributions", "contribution");
        }
        return (ids, weights);
    }
}
