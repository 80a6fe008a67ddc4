using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>An account's reward totals. Rewards are credited to balances by the settlement itself; this grain keeps
/// the accounting (by role, datanet and model) by reading the account's committed RewardCredited events it has not
/// seen yet, newest first down to the last one it counted. Reading from the store, not from the stream, makes the
/// totals exact whatever the stream delivered.</summary>
public sealed class RewardAccountGrain(LedgerNode node) : Grain, IRewardAccountGrain
{
    private const int Page = 1_000;
    private Address _account;
    private (long Height, int Seq) _last = (-1, -1);
    private Wei _total = Wei.Zero;
    private long _count;
    private readonly Dictionary<string, (Wei Amount, long Count)> _byRole = [], _byDatanet = [], _byModel = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = Address.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<RewardSummary> GetSummaryAsync()
    {
        var head = (await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
        var fresh = new List<StoredEvent>();
        long? beforeHeight = null;
        var beforeSeq = int.MaxValue;
        while (true)
        {
            var page = await node.Store.QueryEventsAsync(new EventQuery(Party: _account, Kinds: [MarketEventKind.RewardCredited],
                BeforeHeight: beforeHeight, BeforeSeq: beforeSeq, Limit: Page));
            var newer = page.TakeWhile(e => (e.Height, e.Seq).CompareTo(_last) > 0).ToList();
            fresh.AddRange(newer);
            if (newer.Count < page.Count || page.Count < Page) break;
            (beforeHeight, beforeSeq) = (page[^1].Height, page[^1].Seq);
        }
        for (int i = fresh.Count - 1; i >= 0; i--) Count(fresh[i]);
        // The events were read after the head: a block committed meanwhile may be counted (blocks commit whole, so all of
        // its events are). As of the newer of the two, the totals are exactly the credits of the blocks up to it, which
        // is what a series built on them (GraphQL's rewardSeries) needs.
        return new RewardSummary(_account, _total, _count, Totals(_byRole), Totals(_byDatanet), Totals(_byModel), Math.Max(head, _last.Height));
    }

    private void Count(StoredEvent stored)
    {
        var e = stored.Event;
        var amount = e.Amount ?? Wei.Zero;
        _total += amount;
        _count++;
        Add(_byRole, e.Detail ?? "", amount);
        if (e.Datanet is { } d) Add(_byDatanet, d.ToString(), amount);
        if (e.Model is { } m) Add(_byModel, m.ToString(), amount);
        _last = (stored.Height, stored.Seq);
    }

    private static void Add(Dictionary<string, (Wei Amount, long Count)> totals, string scope, Wei amount)
    {
        var t = totals.GetValueOrDefault(scope, (Wei.Zero, 0));
        totals[scope] = (t.Amount + amount, t.Count + 1);
    }

    private static List<RewardTotal> Totals(Dictionary<string, (Wei Amount, long Count)> totals) =>
        totals.OrderByDescending(kv => kv.Value.Amount).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new RewardTotal(kv.Key, kv.Value.Amount, kv.Value.Count)).ToList();
}
