using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger exclude --contribution ID [--reason R]`: the datanet's owner or a curator keeps an approved
/// contribution out of every version published from now on (Curate with approve false; the versions already published
/// keep it, no money moves). Only an approved contribution is sent: anything else fails here with NotApproved, so a
/// pending one is never rejected (and its stake forfeited) by mistake.</summary>
public static class ExcludeCommand
{
    /// <summary>Stable code: the contribution is not approved (pending, rejected, expired or already excluded).</summary>
    public const string NotApproved = "NotApproved";

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var contribution = Options.Id(args, "contribution", "contribution");
        var body = Options.Body<Curate>(Curate.TryCreate, contribution, false, args.Get("reason") ?? "");
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var c = MarketSession.Require(await s.Client.GetContributionAsync(contribution), contribution, "contribution");
        if (c.Status != ContributionStatus.Approved)
            throw new CommandFailedException($"{NotApproved}: contribution {contribution} is {c.Status}; only an approved contribution can be excluded");
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0 && o.Succeeded && await s.Client.GetContributionAsync(contribution) is { } after)
        {
            s.Field("contribution", after.Id);
            s.Field("status", $"{after.Status} (approval index {after.ApprovalIndex}; the versions published so far keep it)");
        }
        return o.ExitCode;
    }
}
