using Orleans.Concurrency;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>Reads of committed marketplace objects and events, straight from the store (stateless workers: as many
/// activations per silo as there are concurrent readers).</summary>
[StatelessWorker]
public sealed class MarketQueryGrain(LedgerNode node) : Grain, IMarketQueryGrain
{
    public async Task<MarketObjectView?> GetObjectAsync(Hash32 id) => View(await node.Store.GetObjectAsync(id));

    public async Task<IReadOnlyList<MarketObjectView?>> GetObjectsAsync(IReadOnlyList<Hash32> ids)
    {
        var views = new MarketObjectView?[ids.Count];
        for (int i = 0; i < ids.Count; i++) views[i] = View(await node.Store.GetObjectAsync(ids[i]));
        return views;
    }

    public async Task<IReadOnlyList<MarketObjectView>> QueryObjectsAsync(MarketObjectQuery q) =>
        (await node.Store.QueryObjectsAsync(new ObjectQuery(q.Kind, q.Parent, q.Party, q.Status, q.AfterIndex, q.Limit, q.Descending)))
        .Select(o => View(o)!).ToList();

    public async Task<IReadOnlyList<MarketEventMessage>> QueryEventsAsync(MarketEventQuery q) =>
        (await node.Store.QueryEventsAsync(new EventQuery(q.Party, q.Datanet, q.Model, q.Subject, q.Kinds, q.BeforeHeight, q.BeforeSeq, q.Limit, q.Contribution)))
        .Select(e => MarketEventMessages.From(e.Height, e.Seq, e.TimestampMs, e.Event)).ToList();

    public Task<int?> CountObjectsAsync(MarketObjectQuery q, int cap) =>
        node.Store.CountObjectsAsync(new ObjectQuery(q.Kind, q.Parent, q.Party, q.Status), cap);

    public Task<int?> CountEventsAsync(MarketEventQuery q, int cap) =>
        node.Store.CountEventsAsync(new EventQuery(q.Party, q.Datanet, q.Model, q.Subject, q.Kinds, Contribution: q.Contribution), cap);

    public static MarketObjectView? View(StoredObject? o) =>
        o is null ? null : new MarketObjectView(o.Index, o.UpdatedHeight, (byte)o.Object.ObjectKind, o.Object.Encode());
}
