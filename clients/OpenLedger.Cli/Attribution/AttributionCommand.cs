using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Marketplace;

namespace OpenLedger.Cli.Attribution;

/// <summary>`openledger attribution --inference ID [--top N]`: who a settled inference paid and why
/// (<see cref="AttributionReport"/>). `attribution verify` recomputes a record, which needs the ML engine: it belongs to
/// the node executable, so this client verb only says where to find it.</summary>
public static class AttributionCommand
{
    public const int DefaultTop = 5;

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        if (args.Positional.FirstOrDefault() is { } sub)
            throw new UsageException(sub == "verify"
                ? "`attribution verify` recomputes a record with the ML engine: run it with the node executable, `openledger attribution verify --inference ID`"
                : $"usage: openledger attribution --inference ID [--top N] (unexpected '{sub}')");
        var inference = Options.Id(args, "inference", "inference");
        var top = args.GetInt("top", DefaultTop, 1, LedgerClient.MaxAttributionsWithText);
        using var s = await MarketSession.ConnectAsync(args, output);
        await AttributionReport.PrintAsync(s, inference, top);
        return 0;
    }
}
