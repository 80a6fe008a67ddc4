using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger rewards --address 0x..`: everything credited to an account by settlements, by role,
/// datanet and model; then what it earned outside settlements (contribution fees, forfeited stakes, expired escrows,
/// from its statement) and how to see its whole statement.</summary>
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
        // Settlements are not all an account earns: a datanet's owner earns contribution fees and the stakes its
        // curators reject (if its forfeit rule says so), and a treasury forfeits too. The books show those.
        var books = await s.Client.GetStatementAsync(address, null, null, null, null, first: 1);
        foreach (var t in books.Totals.Where(t => t.Flow == "IN" && t.Kind is "CONTRIBUTION_FEE" or "STAKE_FORFEITED" or "ESCROW_TO_OWNER"))
            s.Field(t.Kind switch { "CONTRIBUTION_FEE" => "fees earned", "STAKE_FORFEITED" => "forfeits earned", _ => "expired escrows" },
                $"{MarketSession.Open(t.Amount)} in {t.Count} (blocks {books.FromHeight}..{books.ToHeight})");
        output.WriteLine($"every wei in and out: openledger statement --address {address}");
        return 0;
    }

    private static void Print(TextWriter output, string title, IReadOnlyList<RewardTotalInfo> totals)
    {
        if (totals.Count == 0) return;
        output.WriteLine($"{title}:");
        foreach (var t in totals) output.WriteLine($"  {t.Scope,-66}  {MarketSession.Open(t.Amount)} ({t.Count})");
    }
}
