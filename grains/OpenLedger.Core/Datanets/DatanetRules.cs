using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Datanets;

/// <summary>The rules of the datanet kinds: create and edit, contribute (fee to the owner, stake held), curate
/// (stake back on approval, forfeited on rejection; an approved contribution can later be excluded from the next
/// versions), publish a version; and the curation deadline (stake back to the contributor when nobody curated in time).</summary>
public static class DatanetRules
{
    public static ErrorCode Create(in TxContext cx, CreateDatanet b)
    {
        var d = new Datanet(cx.TxHash, cx.Sender, b.Name, b.Description, b.Tags, b.License, b.Task, b.FeePerKb, b.Stake, b.ForfeitTo,
            b.Curators, cx.Height, 0, 0, 0, 0, 0);
        cx.Put(d);
        cx.Changes.Emit(MarketEventKind.DatanetCreated, d.Id, party: cx.Sender, datanet: d.Id, detail: d.Name);
        return ErrorCode.None;
    }

    public static ErrorCode Update(in TxContext cx, UpdateDatanet b)
    {
        if (cx.Market.Datanet(b.Datanet) is not { } d) return ErrorCode.UnknownDatanet;
        if (d.Owner != cx.Sender) return ErrorCode.NotDatanetOwner;
        // Contributors staked on a datanet with curators; the owner may replace them, not remove them all, while stakes
        // wait. This keeps that promise visible; it is the curation deadline that guarantees every stake comes back
        // (the owner could still name curators who never act, or curate alone). A datanet created without curators
        // may keep none.
        if (d.Curators.Length > 0 && b.Curators.Length == 0 && d.Pending > 0) return ErrorCode.CuratorsRequired;
        cx.Put(d with { Description = b.Description, Tags = b.Tags, Curators = b.Curators });
        cx.Changes.Emit(MarketEventKind.DatanetUpdated, d.Id, party: cx.Sender, datanet: d.Id);
        return ErrorCode.None;
    }

    public static ErrorCode Contribute(in TxContext cx, Contribute b)
    {
        if (cx.Market.Datanet(b.Datanet) is not { } d) return ErrorCode.UnknownDatanet;
        if (b.Size > cx.Rules.Market.MaxContributionBytes) return ErrorCode.ContributionTooLarge;
        if (cx.Market.IsDuplicate(d.Id, b.NormalizedContent)) return ErrorCode.DuplicateContribution;
        if (!d.TryCost(b.Size, out var fee, out var cost)) return ErrorCode.AmountOverflow;
        if (cx.BalanceOf(cx.Sender) < cost) return ErrorCode.InsufficientBalance;

        cx.Debit(cx.Sender, cost);
        cx.Credit(d.Owner, fee); // the stake stays with the marketplace until curation
        var c = new Contribution(cx.TxHash, d.Id, cx.Sender, b.Content, b.NormalizedContent, b.Size, fee, d.Stake,
            ContributionStatus.Pending, -1, Address.Zero, "", cx.Height, 0, cx.Height + cx.Rules.Market.CurationTimeoutBlocks);
        cx.Put(c);
        cx.Put(d with { Contributions = d.Contributions + 1 });
        cx.Changes.Emit(MarketEventKind.ContributionAdded, c.Id, party: cx.Sender, amount: fee, datanet: d.Id, contribution: c.Id);
        return ErrorCode.None;
    }

    public static ErrorCode Curate(in TxContext cx, Curate b)
    {
        if (cx.Market.Contribution(b.Contribution) is not { } c) return ErrorCode.UnknownContribution;
        var d = cx.Market.Datanet(c.Datanet)!;
        if (!d.MayCurate(cx.Sender)) return ErrorCode.NotCurator;
        if (c.Status == ContributionStatus.Expired) return ErrorCode.ContributionExpired;
        if (c.Status == ContributionStatus.Approved && !b.Approve) return Exclude(cx, d, c, b.Reason);
        if (c.Status != ContributionStatus.Pending) return ErrorCode.AlreadyCurated;

        if (b.Approve)
        {
            cx.Put(c with { Status = ContributionStatus.Approved, ApprovalIndex = d.Approved, Curator = cx.Sender, Reason = b.Reason, CuratedHeight = cx.Height });
            cx.Put(d with { Approved = d.Approved + 1 });
            cx.Credit(c.Contributor, c.Stake);
            cx.Changes.Emit(MarketEventKind.ContributionApproved, c.Id, party: c.Contributor, amount: c.Stake, datanet: d.Id, contribution: c.Id, detail: b.Reason);
        }
        else
        {
            cx.Put(c with { Status = ContributionStatus.Rejected, Curator = cx.Sender, Reason = b.Reason, CuratedHeight = cx.Height });
            cx.Put(d with { Rejected = d.Rejected + 1 });
            cx.Credit(d.ForfeitTo == ForfeitRule.Owner ? d.Owner : cx.Rules.Market.Treasury, c.Stake);
            cx.Changes.Emit(MarketEventKind.ContributionRejected, c.Id, party: c.Contributor, amount: c.Stake, datanet: d.Id, contribution: c.Id, detail: b.Reason);
        }
        return ErrorCode.None;
    }

    /// <summary>Keeps an approved contribution out of every version published from now on (typically one a training job
    /// flagged as likely mislabeled); the versions already published still hold it, so models trained on them can still
    /// pay it. No money moves: its stake came back at approval and its fee paid the owner for curation, as a rejected
    /// one's does. Final, like curation: an excluded contribution cannot be approved again (a new contribution can).</summary>
    private static ErrorCode Exclude(in TxContext cx, Datanet d, Contribution c, string reason)
    {
        cx.Put(c with { Status = ContributionStatus.Excluded, ExcludedAfter = d.Versions, Curator = cx.Sender, Reason = reason, CuratedHeight = cx.Height });
        cx.Changes.Emit(MarketEventKind.ContributionExcluded, c.Id, party: c.Contributor, amount: Wei.Zero, datanet: d.Id, contribution: c.Id, detail: reason);
        return ErrorCode.None;
    }

    public static ErrorCode Publish(in TxContext cx, PublishVersion b)
    {
        if (cx.Market.Datanet(b.Datanet) is not { } d) return ErrorCode.UnknownDatanet;
        if (!d.MayCurate(cx.Sender)) return ErrorCode.NotCurator;
        var lastCount = d.Versions == 0 ? 0 : cx.Market.Version(DatanetVersion.IdOf(d.Id, d.Versions))!.Count;
        if (d.Approved == lastCount && !cx.Market.ExcludedSince(d.Id, d.Versions)) return ErrorCode.NothingToPublish;

        var number = d.Versions + 1;
        var content = cx.Market.PublishableContent(d.Id);
        var v = new DatanetVersion(DatanetVersion.IdOf(d.Id, number), d.Id, number, MerkleTree.Root(content), d.Approved, cx.Sender, cx.Height);
        cx.Put(v);
        cx.Put(d with { Versions = number });
        cx.Changes.Emit(MarketEventKind.VersionPublished, v.Id, party: cx.Sender, datanet: d.Id,
            detail: number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ErrorCode.None;
    }

    /// <summary>Resolves the pending contributions whose curation deadline has passed (deadline = contribution height +
    /// curationTimeoutBlocks; the block at the deadline height can still curate): each stake returns to its contributor,
    /// exactly, and the contribution is Expired (neither approved nor rejected: it is in no version, its content stays
    /// taken in the datanet as a rejected one's does). Runs at the start of each block, after the inferences' expiries.</summary>
    public static void ExpireDue(LedgerState state, Genesis.ChainRules rules, long height, BlockChanges changes)
    {
        changes.TxIndex = -1;
        changes.TxHash = Hash32.Zero;
        var cx = new TxContext(state, rules, height, Hash32.Zero, Address.Zero, changes);
        foreach (var c in state.Market.TakeDueContributions(height))
        {
            var d = cx.Market.Datanet(c.Datanet)!;
            cx.Put(c with { Status = ContributionStatus.Expired, CuratedHeight = height });
            cx.Put(d with { Expired = d.Expired + 1 });
            cx.Credit(c.Contributor, c.Stake);
            changes.Emit(MarketEventKind.ContributionExpired, c.Id, party: c.Contributor, amount: c.Stake, datanet: d.Id, contribution: c.Id, detail: "refund");
        }
    }
}
