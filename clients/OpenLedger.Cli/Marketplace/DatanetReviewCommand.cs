using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger datanet review --id ID [--limit N] [--width W]`: what a curator reads before deciding, from the
/// public GraphQL API: each pending contribution (id, contributor, size, curation deadline) with its text and, under
/// it, its near-duplicates (id, status, similarity, text), newest first. Texts are shown on one line, cut at W characters.</summary>
public static class DatanetReviewCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "datanet");
        var limit = args.GetInt("limit", 20, 1, 1_000);
        var width = args.GetInt("width", 160, 20, 100_000);
        using var s = await MarketSession.ConnectAsync(args, output);
        var d = MarketSession.Require(await s.Client.GetDatanetAsync(id), id, "datanet");
        var head = s.Chain.HeadHeight;
        var pending = await s.Client.GetContributionReviewsAsync(d.Id, ContributionStatus.Pending, null, limit, withText: true);
        output.WriteLine($"datanet {d.Id} ({d.Name}, {d.Task}): {d.Pending} pending{(pending.Count < d.Pending ? $", the newest {pending.Count} shown (raise --limit for more)" : "")}");

        // A contribution can be the near-duplicate of several: each neighbour is read once.
        var neighbours = new Dictionary<Hash32, (ContributionStatus Status, string? Text)?>();
        foreach (var r in pending)
        {
            var c = r.Contribution;
            output.WriteLine();
            output.WriteLine($"{c.Id}  by {c.Contributor}  {c.Size} bytes  curate by block {c.DeadlineHeight} ({Math.Max(0, c.DeadlineHeight - head)} blocks from block {head})");
            output.WriteLine($"  text: {Shown(r.Text, width)}");
            if (r.NearDuplicates.Count == 0) output.WriteLine("  no near-duplicates");
            foreach (var near in r.NearDuplicates)
            {
                if (!neighbours.TryGetValue(near.Contribution, out var n))
                    neighbours[near.Contribution] = n = await s.Client.GetContributionTextAsync(near.Contribution) is { } found ? (found.Contribution.Status, found.Text) : null;
                output.WriteLine($"  near-duplicate {near.Contribution}  {n?.Status.ToString() ?? "unknown",-8}  similarity {near.Similarity:0.00}  text: {Shown(n?.Text, width)}");
            }
        }
        output.WriteLine();
        output.WriteLine($"{pending.Count} pending contribution{(pending.Count == 1 ? "" : "s")} shown, {pending.Count(r => r.NearDuplicates.Count > 0)} with near-duplicates; " +
                         $"decide them with: openledger curate --all-pending --datanet {d.Id} (--approve|--reject) [--without-near-duplicates|--near-duplicates-only]");
        return 0;
    }

    /// <summary>The text on one line (white space runs become one space), cut at <paramref name="width"/> characters.</summary>
    private static string Shown(string? text, int width)
    {
        if (text is null) return "(not stored on this node, or not UTF-8)";
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= width ? $"\"{line}\"" : $"\"{line[..(width - 1)]}…\"";
    }
}
