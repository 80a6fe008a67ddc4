using System.Globalization;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger flags --datanet ID [--first N]`: the contributions the datanet's training jobs flagged as likely
/// harmful (likely mislabeled) and not yet excluded, newest job first, for its curators to inspect (and exclude with
/// `openledger exclude`).</summary>
public static class FlagsCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var datanet = Options.Id(args, "datanet", "datanet");
        var first = args.Get("first") is not { } n ? 20
            : int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 100 ? v
            : throw new UsageException($"--first '{n}' must be a number from 1 to 100");

        using var s = await MarketSession.ConnectAsync(args, output);
        var flags = MarketSession.Require(await s.Client.GetFlaggedContributionsAsync(datanet, first), datanet, "datanet");
        s.Field("datanet", datanet);
        s.Field("flagged", flags.Count);
        foreach (var f in flags)
            output.WriteLine($"  {f.Contribution}  {f.Status,-8} score {f.Score.ToString("G6", CultureInfo.InvariantCulture)}  job {f.Job} (version {f.VersionNumber})  {f.Reason}");
        return 0;
    }
}
