using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>A curator excludes an approved contribution (Curate with approve false): it is kept out of every version
/// published afterwards, the versions before keep it (and models trained on them can still pay it), no money moves,
/// and the bad cases fail with their stable codes and change nothing but the fee.</summary>
public class MarketExclusionTests
{
    [Fact]
    public void An_excluded_contribution_leaves_the_next_version_only_and_moves_no_money()
    {
        var w = new World();
        var d = w.D;
        var v1 = d.Market.Version(w.AV1)!;
        var contributor = d.Balance(w.Contributors[0]);
        var owner = d.Balance(w.Owner);
        var held = d.Market.Held;

        var r = d.Run(w.Curator, new Curate(w.C[0], false, "flagged: likely mislabeled"));
        Assert.Equal(ReceiptStatus.Success, r.Status);
        var c0 = d.Market.Contribution(w.C[0])!;
        Assert.Equal((ContributionStatus.Excluded, 1, 1u, w.Curator.Address, "flagged: likely mislabeled", d.Height),
            (c0.Status, c0.ApprovalIndex, c0.ExcludedAfter, c0.Curator, c0.Reason, c0.CuratedHeight));
        var e = Assert.Single(d.Last.Events);
        Assert.Equal((MarketEventKind.ContributionExcluded, w.C[0], w.A, w.Contributors[0].Address, Wei.Zero, "flagged: likely mislabeled"),
            (e.Kind, e.Contribution!.Value, e.Datanet!.Value, e.Party!.Value, e.Amount!.Value, e.Detail));
        Assert.Equal((contributor, owner, held), (d.Balance(w.Contributors[0]), d.Balance(w.Owner), d.Market.Held));
        Assert.Equal(d.Market.Datanet(w.A)!.Approved, d.Market.ApprovedContent(w.A).Count); // its approval index stays taken

        // Version 1 is unchanged and still holds it; version 2 holds c2 and c4 (approved after v1), not c0.
        Assert.Equal(v1, d.Market.Version(w.AV1));
        Assert.True(v1.Contains(c0));
        d.Ok(w.Owner, new PublishVersion(w.A));
        var v2 = d.Market.Version(DatanetVersion.IdOf(w.A, 2))!;
        Assert.False(v2.Contains(c0));
        Assert.Equal(MerkleTree.Root([w.Items[2].Content, w.Items[4].Content]), v2.Root);
        Assert.All(new[] { w.C[2], w.C[4] }, id => Assert.True(v2.Contains(d.Market.Contribution(id)!)));

        // Model M was trained on v1, which held c0: its inference still pays c0's contributor.
        var before = d.Balance(w.Contributors[0]);
        d.Ok(d.Attribution, w.SettleI1(w2: 1, w0: 1));
        Assert.True(d.Balance(w.Contributors[0]) > before);

        // A model trained on v2 cannot name c0.
        var m2 = d.Ok(w.Publisher, MarketDriver.NewModel("M2", World.Price, 6_500, 2_500, 1_000, v2.Id));
        var i = d.Ok(w.Caller, new RequestInference(m2, MarketDriver.H("input m2"), World.Price));
        d.Ok(d.Serving, new PostResult(i, MarketDriver.H("output m2")));
        d.Rejected(d.Attribution, new SettleAttribution(i, MarketDriver.H("r"), [w.C[0]], [1]), ErrorCode.AttributionNotInTrainingSet);
        d.Ok(d.Attribution, new SettleAttribution(i, MarketDriver.H("r"), [w.C[2], w.C[4]], [1, 1]));

        MarketStateLoadTests.AssertReloadsIdentically(d.State);
    }

    [Fact]
    public void An_exclusion_alone_makes_a_new_version_publishable()
    {
        var w = new World();
        var d = w.D;
        d.Ok(w.Owner, new PublishVersion(w.A)); // v2: c2, c0, c4
        d.Rejected(w.Owner, new PublishVersion(w.A), ErrorCode.NothingToPublish);
        d.Ok(w.Owner, new Curate(w.C[2], false, "harmful"));
        d.Ok(w.Curator, new PublishVersion(w.A));
        var v3 = d.Market.Version(DatanetVersion.IdOf(w.A, 3))!;
        Assert.Equal(MerkleTree.Root([w.Items[0].Content, w.Items[4].Content]), v3.Root);
        Assert.True(d.Market.Version(DatanetVersion.IdOf(w.A, 2))!.Contains(d.Market.Contribution(w.C[2])!));
        d.Rejected(w.Owner, new PublishVersion(w.A), ErrorCode.NothingToPublish);
    }

    [Fact]
    public void Excluding_by_a_stranger_twice_or_what_is_not_approved_fails_with_a_stable_code_and_changes_nothing()
    {
        var w = new World();
        var d = w.D;
        d.Rejected(w.Stranger, new Curate(w.C[0], false, "not mine to judge"), ErrorCode.NotCurator);
        d.Rejected(w.OtherOwner, new Curate(w.C[0], false, "another datanet's owner"), ErrorCode.NotCurator);
        d.Rejected(w.Curator, new Curate(MarketDriver.H("no such contribution"), false, ""), ErrorCode.UnknownContribution);
        d.Rejected(w.Curator, new Curate(w.C[1], false, "already rejected"), ErrorCode.AlreadyCurated);

        d.Ok(w.Curator, new Curate(w.C[0], false, "flagged"));
        d.Rejected(w.Owner, new Curate(w.C[0], false, "again"), ErrorCode.AlreadyCurated);
        d.Rejected(w.Owner, new Curate(w.C[0], true, "take it back"), ErrorCode.AlreadyCurated);
        Assert.Equal(ContributionStatus.Excluded, d.Market.Contribution(w.C[0])!.Status);
    }

    [Fact]
    public void Excluded_contributions_encode_their_version_and_other_contributions_keep_their_bytes()
    {
        var c = new Contribution(MarketDriver.H("id"), MarketDriver.H("d"), Address.Zero, MarketDriver.H("c"), MarketDriver.H("n"), 10,
            new Wei(1), new Wei(2), ContributionStatus.Approved, 4, Address.Zero, "ok", 3, 5, 9);
        // ExcludedAfter is not part of a non-excluded contribution's bytes.
        Assert.Equal(c.Encode(), (c with { ExcludedAfter = 7 }).Encode());
        var excluded = c with { Status = ContributionStatus.Excluded, ExcludedAfter = 7 };
        Assert.Equal(c.Encode().Length + 4, excluded.Encode().Length);
        Assert.Equal(excluded, Contribution.Decode(excluded.Encode()));
    }

    /// <summary>Random curation histories over one datanet (approve, reject, exclude, publish, by a curator or a
    /// stranger): every published version keeps its root for ever and holds exactly its approved-below-count
    /// contributions less those excluded before it; reloading rebuilds the same state.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_version_holds_what_was_approved_before_it_less_what_was_excluded_before_it(int seed)
    {
        var random = new Random(seed);
        var d = new MarketDriver(accounts: 6);
        var (owner, curator, stranger) = (d.Keys[0], d.Keys[1], d.Keys[5]);
        var datanet = d.Ok(owner, MarketDriver.NewDatanet("P", new Wei(1_000), new Wei(5_000), ForfeitRule.Owner, curator.Address));
        var contributions = new List<Hash32>();
        var published = new List<(DatanetVersion Version, HashSet<Hash32> Holds)>();
        for (var step = 0; step < 40; step++)
        {
            var op = random.Next(5);
            if (op == 0 || contributions.Count == 0)
            {
                contributions.Add(d.Ok(d.Keys[2 + random.Next(3)], MarketDriver.Contribution(datanet, Item.Of($"seed {seed} item {step}"))));
                continue;
            }
            var target = contributions[random.Next(contributions.Count)];
            var actor = random.Next(6) == 0 ? stranger : random.Next(2) == 0 ? owner : curator;
            ITxBody body = op switch
            {
                1 => new Curate(target, true, "ok"),
                2 or 3 => new Curate(target, false, "no"),
                _ => new PublishVersion(datanet),
            };
            var r = d.Run(actor, body);
            if (actor == stranger) Assert.Equal(ErrorCode.NotCurator, r.Error);
            if (body is PublishVersion && r.Status == ReceiptStatus.Success)
            {
                var v = d.Market.Version(DatanetVersion.IdOf(datanet, d.Market.Datanet(datanet)!.Versions))!;
                var holds = contributions.Select(id => d.Market.Contribution(id)!)
                    .Where(c => c.Status == ContributionStatus.Approved && c.ApprovalIndex < v.Count).Select(c => c.Id).ToHashSet();
                published.Add((v, holds));
            }
            foreach (var (version, holds) in published)
            {
                Assert.Equal(version, d.Market.Version(version.Id));
                var now = contributions.Select(id => d.Market.Contribution(id)!).Where(version.Contains).OrderBy(c => c.ApprovalIndex).ToList();
                Assert.Equal(holds.Select(h => h.ToString()).Order(), now.Select(c => c.Id.ToString()).Order());
                Assert.Equal(version.Root, MerkleTree.Root(now.Select(c => c.Content).ToList()));
            }
        }
        Assert.Equal(d.HeldByObjects(), d.Market.Held);
        MarketStateLoadTests.AssertReloadsIdentically(d.State);
    }
}
