using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Books;

/// <summary>The double-entry projection of committed blocks: every wei a block moved, as <see cref="Posting"/>s in the
/// order the executor moved them (block-level expiries first, then each transaction's fee, its transfer and its
/// events). Pure: it reads receipts and events, never the state, except the three datanet fields the contribution
/// events leave out (owner, stake and forfeit rule, which no transaction changes after creation). Events and receipts
/// are not hashed into the header by this reading, so the books need no new consensus data.</summary>
public static class Postings
{
    /// <summary>The genesis allocations, from nobody.</summary>
    public static IEnumerable<Posting> OfGenesis(ChainRules rules) =>
        rules.InitialBalances.Where(a => a.Balance != Wei.Zero)
            .Select(a => new Posting(BookKind.Genesis, 0, -1, null, null, a.Address, a.Balance));

    /// <summary>A block's postings. <paramref name="datanet"/> must know every datanet the block's contribution events
    /// name. Without the block's transactions, only its marketplace postings (no gas, no transfers).</summary>
    public static List<Posting> Of(BookBlock block, MarketRules market, Func<Hash32, Datanet?> datanet)
    {
        var height = block.Height;
        var list = new List<Posting>();
        var events = block.Events;
        int e = 0;
        for (; e < events.Count && events[e].TxIndex < 0; e++) AddEvent(list, height, events[e], market, datanet);
        for (int i = 0; i < block.Transactions.Count; i++)
        {
            var (tx, receipt) = block.Transactions[i];
            Add(list, new Posting(BookKind.Gas, height, i, receipt.TxHash, tx.From, block.Producer, receipt.Fee));
            if (tx.Body is Transfer t && receipt.Status == Ledger.ReceiptStatus.Success)
                Add(list, new Posting(BookKind.Transfer, height, i, receipt.TxHash, tx.From, t.To, t.Amount));
            for (; e < events.Count && events[e].TxIndex == i; e++) AddEvent(list, height, events[e], market, datanet);
        }
        // Events of transactions not given (a reader that wants only the marketplace's postings may leave them out).
        for (; e < events.Count; e++) AddEvent(list, height, events[e], market, datanet);
        return list;
    }

    private static void AddEvent(List<Posting> list, long height, MarketEvent ev, MarketRules market, Func<Hash32, Datanet?> datanet)
    {
        var amount = ev.Amount ?? Wei.Zero;
        Hash32? tx = ev.TxIndex < 0 ? null : ev.TxHash;
        Posting P(BookKind kind, Address? from, Address? to, Wei wei, string? role = null) =>
            new(kind, height, ev.TxIndex, tx, from, to, wei, ev.Party, ev.Datanet, ev.Model, ev.Contribution, ev.Inference, role);
        switch (ev.Kind)
        {
            case MarketEventKind.ContributionAdded:
            {
                var d = Datanet(datanet, ev);
                Add(list, P(BookKind.ContributionFee, ev.Party, d.Owner, amount));
                Add(list, P(BookKind.StakeLocked, ev.Party, null, d.Stake));
                break;
            }
            case MarketEventKind.ContributionApproved:
                Add(list, P(BookKind.StakeReturned, null, ev.Party, amount));
                break;
            case MarketEventKind.ContributionRejected:
            {
                var d = Datanet(datanet, ev);
                Add(list, P(BookKind.StakeForfeited, null, d.ForfeitTo == ForfeitRule.Owner ? d.Owner : market.Treasury, amount));
                break;
            }
            case MarketEventKind.ContributionExpired:
                Add(list, P(BookKind.StakeRefunded, null, ev.Party, amount));
                break;
            case MarketEventKind.InferenceRequested:
                Add(list, P(BookKind.EscrowLocked, ev.Party, null, amount));
                break;
            case MarketEventKind.InferenceExpired:
                Add(list, P(ev.Detail == "refund" ? BookKind.EscrowRefunded : BookKind.EscrowToOwner, null, ev.Party, amount));
                break;
            case MarketEventKind.RewardCredited:
                Add(list, P(BookKind.SettlementCredit, null, ev.Party, amount, ev.Detail));
                break;
            // The others move no wei: creation and updates, versions, results, exclusions, and the settlement itself
            // (its credits follow as RewardCredited).
        }
    }

    private static Datanet Datanet(Func<Hash32, Datanet?> datanet, MarketEvent ev) =>
        ev.Datanet is { } id && datanet(id) is { } d ? d
            : throw new InvalidOperationException($"the books need datanet {ev.Datanet} of a {ev.Kind} event");

    // A zero amount moved nothing: it would only lengthen statements (a free datanet's fee, a zero share).
    private static void Add(List<Posting> list, Posting p)
    {
        if (p.Amount != Wei.Zero) list.Add(p);
    }
}
