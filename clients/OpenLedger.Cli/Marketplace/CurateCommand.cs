using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger curate (--contribution ID[,ID...]... | --file PATH | --all-pending --datanet ID [filters])
/// (--approve|--reject) [--reason R]`: the datanet's owner or a curator decides pending contributions (final: the stake
/// goes back on approval, is forfeited on rejection).
/// <para>One id alone is today's single curation: --reject on an approved contribution excludes it from the next
/// versions (see `openledger exclude`). More than one (or a file, or --all-pending) is a batch: every contribution is
/// checked before anything is sent (<see cref="Refusal"/>: exit code 1, nothing sent), then all are signed with
/// consecutive nonces and submitted in one gateway call. A batch may span datanets: each contribution is checked
/// against its own datanet's curators, so a curator of several datanets clears them in one command.</para></summary>
public static class CurateCommand
{
    /// <summary>Why a batch is refused before sending; the names are stable codes scripts may match.</summary>
    public enum Refusal { UnknownContribution, NotPending, DuplicateId, NotCurator, BatchTooLarge }

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var selection = CurationSelection.From(args);
        if (args.Has("approve") == args.Has("reject")) throw new UsageException("give exactly one of --approve and --reject");
        var approve = args.Has("approve");
        if (args.Get(approve ? "approve" : "reject") is { } stray)
            throw new UsageException($"--{(approve ? "approve" : "reject")} takes no value (got '{stray}'); give the reason with --reason");
        var reason = args.Get("reason") ?? "";
        // Checks the reason once, for every transaction of the batch.
        var body = Options.Body<Curate>(Curate.TryCreate, selection.Ids.FirstOrDefault(), approve, reason);
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        return selection.IsSingle ? await SingleAsync(s, signer, body) : await BatchAsync(s, signer, selection, approve, reason);
    }

    private static async Task<int> SingleAsync(MarketSession s, Signer signer, Curate body)
    {
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0 && o.Succeeded && await s.Client.GetContributionAsync(body.Contribution) is { } c)
        {
            s.Field("contribution", c.Id);
            s.Field("status", c.ApprovalIndex >= 0 ? $"{c.Status} (approval index {c.ApprovalIndex})" : c.Status.ToString());
            s.Field("stake", $"{MarketSession.Open(c.Stake)} {(c.Status switch { ContributionStatus.Approved => "returned to", ContributionStatus.Excluded => "(returned at approval) to", _ => "forfeited by" })} {c.Contributor}");
        }
        return o.ExitCode;
    }

    private static async Task<int> BatchAsync(MarketSession s, Signer signer, CurationSelection selection, bool approve, string reason)
    {
        var chosen = selection.Pending is { } filter ? await PendingAsync(s, signer, filter) : await CheckedAsync(s, signer, selection.Ids);
        if (chosen is null) return 1;
        var verb = approve ? "approved" : "rejected";
        if (chosen.Count == 0)
        {
            s.Out.WriteLine("no pending contribution matches: nothing to curate");
            return 0;
        }

        var sent = await s.SendBatchAsync(signer, chosen.Select(c => (ITxBody)new Curate(c.Id, approve, reason)).ToList());
        for (int k = 0; k < chosen.Count; k++)
            s.Out.WriteLine($"{chosen[k].Id}  by {chosen[k].Contributor}  {chosen[k].Size,8} bytes  {sent[k].Describe()}");
        var ok = sent.Count(o => o.Problem is null && (signer.NoWait ? o.Outcome.Accepted : o.Outcome.Succeeded));
        s.Out.WriteLine($"{ok} of {chosen.Count} contribution{(chosen.Count == 1 ? "" : "s")} {(signer.NoWait ? "submitted to be " + verb : verb)} " +
                        $"(transactions {sent[0].Outcome.Signed.Tx.Nonce}..{sent[^1].Outcome.Signed.Tx.Nonce} of {signer.Key.Address}, one submission)");
        return ok == chosen.Count ? 0 : 1;
    }

    /// <summary>The contributions the ids name, each pending in a datanet the signer curates; null (with every
    /// refusal printed) when any is not.</summary>
    private static async Task<IReadOnlyList<Contribution>?> CheckedAsync(MarketSession s, Signer signer, IReadOnlyList<Hash32> ids)
    {
        var refusals = new List<(Refusal Code, string Detail)>();
        if (ids.Count > PendingFilter.MaxBatch) refusals.Add((Refusal.BatchTooLarge, $"{ids.Count} contributions; one submission takes at most {PendingFilter.MaxBatch}"));
        foreach (var twice in ids.GroupBy(i => i).Where(g => g.Count() > 1))
            refusals.Add((Refusal.DuplicateId, $"{twice.Key} is given {twice.Count()} times"));
        var distinct = ids.Distinct().ToList();
        var found = await Task.WhenAll(distinct.Select(id => s.Client.GetContributionAsync(id)));
        var datanets = new Dictionary<Hash32, Datanet?>();
        for (int k = 0; k < distinct.Count; k++)
        {
            if (found[k] is not { } c) { refusals.Add((Refusal.UnknownContribution, $"no contribution {distinct[k]} on this chain")); continue; }
            if (c.Status != ContributionStatus.Pending)
                refusals.Add((Refusal.NotPending, $"{c.Id} is {c.Status}{(c.Status == ContributionStatus.Approved ? " (to exclude it, curate it alone or use `openledger exclude`)" : "")}"));
            if (!datanets.TryGetValue(c.Datanet, out var d)) datanets[c.Datanet] = d = await s.Client.GetDatanetAsync(c.Datanet);
            if (d is not null && !d.MayCurate(signer.Key.Address))
                refusals.Add((Refusal.NotCurator, $"{signer.Key.Address} is neither the owner nor a curator of datanet {d.Id} ({d.Name}), which holds {c.Id}"));
        }
        return Refuse(s, refusals) ? null : found.Select(c => c!).ToList();
    }

    /// <summary>The pending contributions the filter selects, oldest first; null when the signer may not curate them.</summary>
    private static async Task<IReadOnlyList<Contribution>?> PendingAsync(MarketSession s, Signer signer, PendingFilter filter)
    {
        var d = MarketSession.Require(await s.Client.GetDatanetAsync(filter.Datanet), filter.Datanet, "datanet");
        if (!d.MayCurate(signer.Key.Address))
        {
            Refuse(s, [(Refusal.NotCurator, $"{signer.Key.Address} is neither the owner nor a curator of datanet {d.Id} ({d.Name})")]);
            return null;
        }
        // The node lists newest first: all pending are read so that the oldest (whose deadlines come first) are taken.
        var pending = await s.Client.GetContributionReviewsAsync(d.Id, ContributionStatus.Pending, filter.Contributor, Math.Max(d.Pending, 1), withText: false);
        return pending
            .Where(r => filter.NearDuplicates is not { } near || near == r.NearDuplicates.Count > 0)
            .Select(r => r.Contribution)
            .Reverse()
            .Take(filter.Limit)
            .ToList();
    }

    /// <summary>Prints each refusal with its code; true when there was any (nothing is then sent).</summary>
    private static bool Refuse(MarketSession s, IReadOnlyList<(Refusal Code, string Detail)> refusals)
    {
        foreach (var (code, detail) in refusals) s.Out.WriteLine($"error: {code}: {detail}");
        if (refusals.Count > 0) s.Out.WriteLine($"{refusals.Count} problem{(refusals.Count == 1 ? "" : "s")}: nothing was sent");
        return refusals.Count > 0;
    }
}
