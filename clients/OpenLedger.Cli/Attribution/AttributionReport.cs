using System.Globalization;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Attribution;

/// <summary>Prints who a settled inference paid and why: the split of its escrow, then the top contributions (share,
/// payout, contributor, a snippet of the text), the span evidence and the record hash. What `openledger attribution`
/// and `openledger demo` show.</summary>
public static class AttributionReport
{
    /// <summary>The longest snippet of a contribution's text printed.</summary>
    public const int SnippetChars = 72;

    /// <summary>Reads and prints the attribution of <paramref name="inference"/>. An unknown inference, one not settled,
    /// or a record the node does not hold is a <see cref="CommandFailedException"/> whose message starts with a stable
    /// code: UnknownInference, InferenceNotSettled, AttributionRecordNotStored.</summary>
    public static async Task PrintAsync(MarketSession s, Hash32 inference, int top)
    {
        var i = await s.Client.GetInferenceAsync(inference)
                ?? throw new CommandFailedException($"UnknownInference: no inference {inference} on this chain");
        if (i.Status != InferenceStatus.Settled)
            throw new CommandFailedException($"InferenceNotSettled: inference {inference} is {i.Status}; its attribution is known once it is settled" +
                                             (i.Status is InferenceStatus.Requested or InferenceStatus.Served ? $" (deadline block {i.DeadlineHeight})" : ""));
        var a = await s.Client.GetAttributionAsync(inference, top)
                ?? throw new CommandFailedException($"AttributionRecordNotStored: inference {inference} was settled with record {i.Record}, " +
                                                    "which this node's content store does not hold as an attribution record");
        var rewards = await s.Client.GetInferenceRewardsAsync(inference);
        var o = s.Out;
        s.Field("inference", inference);
        s.Field("model", $"{i.Model} version {i.ModelVersion}");
        s.Field("escrow", MarketSession.Open(i.Escrow));
        foreach (var role in new[] { "protocol", "owner" })
            foreach (var r in rewards.Where(r => r.Detail == role))
                s.Field(role, $"{MarketSession.Open(r.Amount ?? Core.Money.Wei.Zero)} to {r.Party}");
        var contributors = rewards.Where(r => r.Detail == "contributor").ToList();
        s.Field("contributors", $"{MarketSession.Open(contributors.Aggregate(Core.Money.Wei.Zero, (sum, r) => sum + (r.Amount ?? Core.Money.Wei.Zero)))} " +
                                  $"to {contributors.Count} contribution{(contributors.Count == 1 ? "" : "s")}, by attributed influence");
        s.Field("record", a.Record);
        s.Field("method", $"{a.Method} (at most {a.MaxAttributions} contributions), index {a.IndexHash}");
        if (!a.NamesThisInference) o.WriteLine("warning: the record names another inference (a hand settlement may name any record)");

        o.WriteLine(a.Contributions.Length == 0
            ? "why: the record credits no contribution (no positive influence)"
            : $"why: the {a.Contributions.Length} most influential training contribution{(a.Contributions.Length == 1 ? "" : "s")}, by share of positive influence:");
        var rank = 0;
        foreach (var c in a.Contributions)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {++rank,2}. {c.Share * 100,6:0.00}%  {(c.Payout is { } p ? MarketSession.Open(p) : "not paid"),-22}  {c.Contributor?.ToString() ?? "(unknown contributor)"}  score {c.Score:G4}"));
            o.WriteLine($"      contribution {c.Contribution}");
            if (c.Text is { } text) o.WriteLine($"      {Readable(text)}");
        }
        if (a.Spans.Length > 0)
        {
            o.WriteLine("evidence: spans of the output found verbatim in the training data:");
            foreach (var span in a.Spans)
                o.WriteLine($"  \"{Snippet(span.Text ?? $"tokens {span.Start}..{span.Start + span.Length}")}\" x{span.Count} in {MarketSession.List(span.Contributions.Select(Short))}");
        }
    }

    /// <summary>The text on one line, cut to <see cref="SnippetChars"/> characters.</summary>
    public static string Snippet(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= SnippetChars ? line : line[..(SnippetChars - 3)] + "...";
    }

    /// <summary>A snippet of a text-label or prompt-completion example as "text" -> label; of any other text, quoted.</summary>
    public static string Readable(string content)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        foreach (var task in new[] { TaskKind.TextLabel, TaskKind.PromptCompletion })
            if (TaskExampleFormat.TryParse(task, bytes, out var example) is { IsError: false } && example is not null)
                return $"\"{Snippet(example.Input)}\" -> {Snippet(example.Output)}";
        return $"\"{Snippet(content)}\"";
    }

    private static string Short(string id) => id.Length > 14 ? id[..10] + ".." + id[^4..] : id;
}
