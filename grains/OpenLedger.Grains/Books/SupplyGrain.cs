using OpenLedger.Core.Books;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Books;

/// <summary>Keeps the marketplace's escrow and stake totals by reading the committed events it has not seen yet (the
/// same postings as the statements: the marketplace side of each). The first call after activation reads the whole
/// event history once, in pages; later calls read only the blocks since. Not reentrant: one reader at a time advances
/// the totals.</summary>
public sealed class SupplyGrain(LedgerNode node) : Grain, ISupplyGrain
{
    private const int Page = 1_000;
    private (long Height, int Seq) _last = (-1, -1);
    private long _asOf;
    private Wei _escrow = Wei.Zero, _stake = Wei.Zero;
    // Only owner, stake and forfeit rule are read, which no transaction changes: cached for the activation.
    private readonly Dictionary<Hash32, Datanet?> _datanets = [];

    public async Task<SupplyView> GetAsync()
    {
        var store = node.Store;
        var head = (await store.GetHeadAsync())?.Height ?? 0;
        var fresh = new List<StoredEvent>();
        long? before = head + 1;
        var beforeSeq = int.MaxValue;
        while (true)
        {
            var page = await store.QueryEventsAsync(new EventQuery(BeforeHeight: before, BeforeSeq: beforeSeq, Limit: Page));
            var newer = page.TakeWhile(e => (e.Height, e.Seq).CompareTo(_last) > 0).ToList();
            fresh.AddRange(newer);
            if (newer.Count < page.Count || page.Count < Page) break;
            (before, beforeSeq) = (page[^1].Height, page[^1].Seq);
        }
        fresh.Reverse();
        foreach (var id in fresh.Where(e => e.Event.Kind is MarketEventKind.ContributionAdded or MarketEventKind.ContributionRejected)
                     .Select(e => e.Event.Datanet).OfType<Hash32>().Distinct().Where(id => !_datanets.ContainsKey(id)).ToList())
            _datanets[id] = (await store.GetObjectAsync(id))?.Object as Datanet;
        foreach (var block in fresh.GroupBy(e => e.Height))
        {
            var events = block.Select(e => e.Event).ToList();
            foreach (var p in Postings.Of(new BookBlock(block.Key, node.Rules.Producer, [], events), node.Rules.Market, id => _datanets.GetValueOrDefault(id)))
            {
                var escrow = p.Kind is BookKind.EscrowLocked or BookKind.EscrowRefunded or BookKind.EscrowToOwner or BookKind.SettlementCredit;
                if (p.To is null) Add(escrow, p.Amount);
                if (p.From is null) Subtract(escrow, p.Amount);
            }
            _last = (block.Key, block.Last().Seq);
        }
        _asOf = Math.Max(_asOf, head);
        return new SupplyView(node.Rules.TotalSupply, _escrow, _stake, _asOf);
    }

    private void Add(bool escrow, Wei amount)
    {
        if (escrow) _escrow += amount; else _stake += amount;
    }

    private void Subtract(bool escrow, Wei amount)
    {
        if (escrow) _escrow -= amount; else _stake -= amount;
    }
}
