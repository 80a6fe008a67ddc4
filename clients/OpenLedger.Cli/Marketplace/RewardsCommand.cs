using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger rewards --address 0x..`: everything credited to an account by settlements, by role,
/// datanet and model.</summary>
public static class RewardsCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var address = Options.RequiredAddress(args, "address");
        using var s = await MarketSession.ConnectAsync(args, output);
        var r = await s.Client.GetRewardsAsync(address);
        s.Field("account", r.Account);
        s.Field("total", $"{MarketSession.Open(r.Total)} in {r.Count} credit{(r.Count == 1 ? "" : "s")}");
        s.Field("as of", $"block {r.AsOfHeight}");
        Print(output, "by role", r.ByRole);
        Print(output, "by datanet", r.ByDatanet);
        Print(output, "by model", r.ByModel);
        return 0;
    }

    private static void Print(TextWriter output, string title, IReadOnlyList<RewardTotalInfo> totals)
    {
        if (totals.Count == 0) return;
        output.WriteLine($"{title}:");
        foreach (var t in totals) output.WriteLine($"  {t.Scope,-66}  {MarketSession.Open(t.Amount)} ({t.Count})");
    }
}
