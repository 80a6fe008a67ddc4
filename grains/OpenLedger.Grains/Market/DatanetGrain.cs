using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>A datanet's view grain. It keeps two things that are costly to rebuild per request, both derived from
/// committed state and caught up from the store on demand (so a missed stream message can never make them wrong):
/// the content hashes of the approved (and later excluded) contributions in approval order (version proofs and contents), and a MinHash LSH index over
/// every contribution's content (near-duplicate flags for curators).</summary>
public sealed class DatanetGrain(LedgerNode node) : Grain, IDatanetGrain
{
    private const int Page = 1_000;
    private Hash32 _id;
    // By approval index; ExcludedAfter is set for a contribution excluded when it was read (see Contribution).
    private readonly List<(Hash32 Contribution, Hash32 Content, uint? ExcludedAfter)> _approved = [];
    private readonly NearDuplicateIndex _similar = new();
    private readonly Dictionary<Hash32, uint[]> _signatures = [];
    private int _indexedUpTo = -1;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = Hash32.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<MarketObjectView?> GetAsync() => MarketQueryGrain.View(await node.Store.GetObjectAsync(_id));

    public async Task<VersionProof?> GetProofAsync(Hash32 contribution, uint number)
    {
        if (await VersionAsync(number) is not ({ } d, { } v)) return null;
        if ((await node.Store.GetObjectAsync(contribution))?.Object is not Contribution c || !v.Contains(c)) return null;
        if (await ItemsAsync(v) is not { } items) return null;
        var proof = MerkleTree.Prove(items.Select(a => a.Content).ToList(), items.FindIndex(a => a.Contribution == c.Id));
        return new VersionProof(v.Id, v.Number, v.Root, c.Id, c.Content, proof.Index, proof.Count,
            proof.Steps.Select(s => s.Sibling).ToArray(), proof.Steps.Select(s => s.SiblingOnLeft).ToArray());
    }

    public async Task<VersionContents?> GetVersionContentsAsync(uint number)
    {
        if (await VersionAsync(number) is not ({ } d, { } v)) return null;
        if (await ItemsAsync(v) is not { } items) return null;
        return new VersionContents(_id, v.Id, v.Number, v.Root, (byte)d.Task, items.Select(a => a.Contribution).ToArray(), items.Select(a => a.Content).ToArray());
    }

    private async Task<(Datanet?, DatanetVersion?)> VersionAsync(uint number)
    {
        if ((await node.Store.GetObjectAsync(_id))?.Object is not Datanet d) return (null, null);
        if (number == 0) number = d.Versions;
        if (number == 0 || number > d.Versions) return (null, null);
        return (d, (await node.Store.GetObjectAsync(DatanetVersion.IdOf(_id, number)))?.Object as DatanetVersion);
    }

    /// <summary>The version's contributions in approval order, checked against its root. The cached list may say
    /// "approved" of a contribution excluded since it was read; a version published after that exclusion then gives
    /// another root, and the list is read again once.</summary>
    private async Task<List<(Hash32 Contribution, Hash32 Content)>?> ItemsAsync(DatanetVersion v)
    {
        for (var attempt = 0; ; attempt++)
        {
            await CatchUpApprovedAsync(v.Count);
            if (_approved.Count < v.Count) return null;
            var items = _approved.Take(v.Count).Where(a => a.ExcludedAfter is not { } after || v.Number <= after)
                .Select(a => (a.Contribution, a.Content)).ToList();
            // The list is rebuilt from the store; the chain's root is what a model will name, so they must agree.
            var root = MerkleTree.Root(items.Select(a => a.Content).ToList());
            if (root == v.Root) return items;
            if (attempt == 1) throw new InvalidOperationException($"datanet {_id} version {v.Number}: approved content gives root {root}, the chain has {v.Root}");
            _approved.Clear();
        }
    }

    // Approval indexes are numbered 0, 1, 2... and never reused (an excluded contribution keeps its index): the list only
    // grows, so it is read once and then extended (ItemsAsync re-reads it when an exclusion made it stale).
    private async Task CatchUpApprovedAsync(int count)
    {
        if (_approved.Count >= count) return;
        var found = new SortedDictionary<int, (Hash32, Hash32, uint?)>();
        foreach (var status in new[] { ContributionStatus.Approved, ContributionStatus.Excluded })
        {
            int? after = null;
            while (true)
            {
                var page = await node.Store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, _id, Status: (int)status, AfterIndex: after, Limit: Page));
                foreach (var o in page)
                {
                    var c = (Contribution)o.Object;
                    if (c.ApprovalIndex >= _approved.Count)
                        found[c.ApprovalIndex] = (c.Id, c.Content, c.Status == ContributionStatus.Excluded ? c.ExcludedAfter : null);
                }
                if (page.Count < Page) break;
                after = page[^1].Index;
            }
        }
        foreach (var (index, item) in found)
        {
            if (index != _approved.Count) break; // a gap means an approval committed mid-read; the next call completes it
            _approved.Add(item);
        }
    }

    public async Task<IReadOnlyList<NearDuplicate>> GetNearDuplicatesAsync(Hash32 contribution)
    {
        await CatchUpSimilarityIndexAsync();
        if (!_signatures.TryGetValue(contribution, out var signature)) return [];
        return _similar.FindSimilar(signature, 0.8, exclude: contribution).Select(s => new NearDuplicate(s.Id, s.Similarity)).ToList();
    }

    public async Task<IReadOnlyList<NearDuplicate>> GetNearDuplicatesOfContentAsync(Hash32 content)
    {
        if (node.Content is null || await node.Content.GetInfoAsync(content) is not { MinHash: { } signature }) return [];
        await CatchUpSimilarityIndexAsync();
        return _similar.FindSimilar(signature, 0.8).Select(s => new NearDuplicate(s.Id, s.Similarity)).ToList();
    }

    private async Task CatchUpSimilarityIndexAsync()
    {
        if (node.Content is null) return;
        while (true)
        {
            var page = await node.Store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Contribution, _id, AfterIndex: _indexedUpTo < 0 ? null : _indexedUpTo, Limit: Page));
            if (page.Count == 0) return;
            var contributions = page.Select(o => (Contribution)o.Object).ToList();
            var infos = await node.Content.GetInfosAsync(contributions.Select(c => c.Content).Distinct().ToList());
            foreach (var c in contributions)
                if (infos.TryGetValue(c.Content, out var info) && info.MinHash is { } sig)
                {
                    _signatures[c.Id] = sig;
                    _similar.Add(c.Id, sig);
                }
            _indexedUpTo = page[^1].Index;
            if (page.Count < Page) return;
        }
    }
}
