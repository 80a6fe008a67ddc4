using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger datanet create|update|show|list|review`: a publisher's datanets.</summary>
public static class DatanetCommand
{
    public static Task<int> ExecuteAsync(Args args, TextWriter output) => Options.SubVerb(args, "datanet", "create", "update", "show", "list", "review") switch
    {
        "review" => DatanetReviewCommand.ExecuteAsync(args, output),
        "create" => CreateAsync(args, output),
        "update" => UpdateAsync(args, output),
        "show" => ShowAsync(args, output),
        _ => ListAsync(args, output),
    };

    private static async Task<int> CreateAsync(Args args, TextWriter output)
    {
        var body = Options.Body<CreateDatanet>(CreateDatanet.TryCreate,
            Options.Text(args, "name"),
            args.Get("description") ?? "",
            Options.List(args.Get("tags") ?? ""),
            args.Get("license") ?? "",
            (byte)Options.Choice(args, "task", TaskKind.Text, ("text", TaskKind.Text), ("prompt-completion", TaskKind.PromptCompletion), ("text-label", TaskKind.TextLabel)),
            Options.OptionalOpen(args, "fee-per-kb") ?? Wei.Zero,
            Options.OptionalOpen(args, "stake") ?? Wei.Zero,
            (byte)Options.Choice(args, "forfeit", ForfeitRule.Owner, ("owner", ForfeitRule.Owner), ("treasury", ForfeitRule.Treasury)),
            Options.Addresses(args.Get("curators") ?? "", "curators"));
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0) s.Field("datanet", o.Hash);
        return o.ExitCode;
    }

    private static async Task<int> UpdateAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "datanet");
        var description = args.Get("description");
        var tags = args.Has("tags") ? Options.List(args.Get("tags") ?? "") : null;
        var curators = args.Has("curators") ? Options.Addresses(args.Get("curators") ?? "", "curators") : null;
        if (description is null && tags is null && curators is null) throw new UsageException("datanet update changes --description, --tags or --curators: give at least one");
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        // The transaction replaces all three fields: what was not given keeps its committed value.
        var d = MarketSession.Require(await s.Client.GetDatanetAsync(id), id, "datanet");
        var body = Options.Body<UpdateDatanet>(UpdateDatanet.TryCreate, id, description ?? d.Description, tags ?? d.Tags, curators ?? d.Curators);
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0) s.Field("datanet", id);
        return o.ExitCode;
    }

    private static async Task<int> ShowAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "datanet");
        var limit = args.GetInt("limit", 50, 1, 1_000);
        using var s = await MarketSession.ConnectAsync(args, output);
        var d = MarketSession.Require(await s.Client.GetDatanetAsync(id), id, "datanet");
        Print(s, d);
        s.Field("contributions", $"{d.Contributions} ({d.Approved} approved, {d.Rejected} rejected, {d.Expired} expired, {d.Pending} pending)");
        s.Field("versions", d.Versions);
        if (d.Versions > 0)
        {
            foreach (var v in await s.Client.GetDatanetVersionsAsync(d.Id, (int)Math.Min(d.Versions, int.MaxValue)))
                output.WriteLine($"  v{v.Number,-4} {v.Id}  root {v.Root}  {v.Count} contributions  block {v.CreatedHeight}  by {v.PublishedBy}");
        }
        if (args.Has("contributions"))
        {
            var page = await s.Client.GetContributionsAsync(d.Id, limit);
            output.WriteLine($"contribution list ({page.Count}{(page.Count < d.Contributions ? $" of {d.Contributions}; raise --limit for more" : "")}):");
            foreach (var c in page)
                output.WriteLine($"  {c.Id}  {c.Status,-8} {c.Size,8} bytes  by {c.Contributor}  block {c.CreatedHeight}{(c.Status == ContributionStatus.Pending ? $"  curate by block {c.DeadlineHeight}" : "")}{(c.Reason.Length > 0 ? "  reason: " + c.Reason : "")}");
        }
        return 0;
    }

    private static async Task<int> ListAsync(Args args, TextWriter output)
    {
        var owner = Options.OptionalAddress(args, "owner");
        var limit = args.GetInt("limit", 50, 1, 1_000);
        using var s = await MarketSession.ConnectAsync(args, output);
        var page = await s.Client.GetDatanetsAsync(owner, limit);
        foreach (var d in page)
            output.WriteLine($"{d.Id}  {d.Name}  owner {d.Owner}  {d.Contributions} contributions ({d.Approved} approved)  {d.Versions} version{(d.Versions == 1 ? "" : "s")}");
        output.WriteLine($"{page.Count} datanet{(page.Count == 1 ? "" : "s")}{(owner is { } o ? " owned by " + o : "")}");
        return 0;
    }

    private static void Print(MarketSession s, Datanet d)
    {
        s.Field("datanet", d.Id);
        s.Field("name", d.Name);
        s.Field("owner", d.Owner);
        s.Field("description", d.Description);
        s.Field("tags", MarketSession.List(d.Tags));
        s.Field("license", d.License);
        s.Field("task", d.Task);
        s.Field("fee per KiB", MarketSession.Open(d.FeePerKb));
        s.Field("stake", MarketSession.Open(d.Stake));
        s.Field("forfeit to", d.ForfeitTo);
        s.Field("curators", MarketSession.List(d.Curators.Select(a => a.ToString())));
        s.Field("created", $"block {d.CreatedHeight}");
    }
}
