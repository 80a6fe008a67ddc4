using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger curate --contribution ID (--approve|--reject) [--reason R]`: the datanet's owner or a curator
/// decides a pending contribution (final: the stake goes back on approval, is forfeited on rejection). --reject on an
/// approved contribution excludes it from the next versions (see `openledger exclude`, which checks it is approved).</summary>
public static class CurateCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var contribution = Options.Id(args, "contribution", "contribution");
        if (args.Has("approve") == args.Has("reject")) throw new UsageException("give exactly one of --approve and --reject");
        var approve = args.Has("approve");
        if (args.Get(approve ? "approve" : "reject") is { } stray)
            throw new UsageException($"--{(approve ? "approve" : "reject")} takes no value (got '{stray}'); give the reason with --reason");
        var body = Options.Body<Curate>(Curate.TryCreate, contribution, approve, args.Get("reason") ?? "");
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0 && o.Succeeded && await s.Client.GetContributionAsync(contribution) is { } c)
        {
            s.Field("contribution", c.Id);
            s.Field("status", c.ApprovalIndex >= 0 ? $"{c.Status} (approval index {c.ApprovalIndex})" : c.Status.ToString());
            s.Field("stake", $"{MarketSession.Open(c.Stake)} {(c.Status switch { ContributionStatus.Approved => "returned to", ContributionStatus.Excluded => "(returned at approval) to", _ => "forfeited by" })} {c.Contributor}");
        }
        return o.ExitCode;
    }
}
