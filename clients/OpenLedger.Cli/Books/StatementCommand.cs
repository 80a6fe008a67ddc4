using System.Globalization;
using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Cli.Books;

/// <summary>`openledger statement (--address A | --datanet ID | --model ID) [--from H] [--to H] [--first N] [--offset N]`:
/// the books of an account (every wei in and out, by kind), a datanet or a model over a range of blocks: totals by
/// kind, then the lines.</summary>
public static class StatementCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var address = Options.OptionalAddress(args, "address");
        var datanet = Options.OptionalId(args, "datanet", "datanet id");
        var model = Options.OptionalId(args, "model", "model id");
        if ((address is null ? 0 : 1) + (datanet is null ? 0 : 1) + (model is null ? 0 : 1) != 1)
            throw new UsageException("usage: openledger statement (--address ADDRESS | --datanet ID | --model ID) [--from H] [--to H] [--first N (50)] [--offset N]");
        var from = Height(args, "from");
        var to = Height(args, "to");
        var first = (int)Options.UInt(args, "first", 50, min: 1);
        var offset = (int)Options.UInt(args, "offset", 0);

        using var s = await MarketSession.ConnectAsync(args, output);
        StatementInfo st;
        try
        {
            st = await s.Client.GetStatementAsync(address, datanet, model, from, to, first, offset);
        }
        catch (GraphQLRequestException e) when (e.Code == "BAD_RESPONSE")
        {
            throw new CommandFailedException($"no {(datanet is not null ? $"datanet {datanet}" : $"model {model}")} on this chain");
        }
        s.Field("statement of", address?.ToString() ?? (datanet is not null ? $"datanet {datanet}" : $"model {model}"));
        s.Field("blocks", $"{st.FromHeight}..{st.ToHeight} (head {st.HeadHeight})");
        if (address is not null)
        {
            if (st.OpeningBalance is { } opening) s.Field("opening", MarketSession.Open(opening));
            s.Field("in", MarketSession.Open(st.In));
            s.Field("out", MarketSession.Open(st.Out));
            if (st.ClosingBalance is { } closing) s.Field("closing", MarketSession.Open(closing));
        }
        output.WriteLine("totals:");
        if (st.Totals.Count == 0) output.WriteLine("  (nothing moved in these blocks)");
        foreach (var t in st.Totals)
            output.WriteLine($"  {Kind(t.Kind, t.Role),-30} {t.Flow,-6} {MarketSession.Open(t.Amount),32}  ({t.Count})");
        output.WriteLine($"lines {offset + 1}..{offset + st.Lines.Count} of {st.LineCount}:");
        foreach (var l in st.Lines)
            output.WriteLine($"  {l.Height,8} {Kind(l.Kind, l.Role),-30} {l.Flow,-6} {MarketSession.Open(l.Amount),32}  {Side(l.From, l)} -> {Side(l.To, l)}{About(l)}");
        if (offset + st.Lines.Count < st.LineCount) output.WriteLine($"  ... more with --offset {offset + st.Lines.Count}");
        return 0;
    }

    private static long? Height(Args args, string name) =>
        args.Value(name) is not { } v ? null
        : long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h
        : throw new UsageException($"--{name} is a block height (0 or more)");

    private static string Kind(string kind, string? role) => role is null ? kind : $"{kind} ({role})";

    // A null side is the marketplace, except a genesis line's payer, which is nobody.
    private static string Side(Address? a, StatementLineInfo l) => a?.ToString() ?? (l.Kind == "GENESIS" ? "genesis" : "marketplace");

    private static string About(StatementLineInfo l) =>
        l.Contribution is { } c ? $"  contribution {c}" : l.Inference is { } i ? $"  inference {i}" : l.TxHash is { } t ? $"  tx {t}" : "";
}
