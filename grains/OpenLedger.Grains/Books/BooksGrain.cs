using Orleans.Concurrency;
using OpenLedger.Core.Books;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Books;

/// <summary>Statements read straight from the store: the range's block headers, its transactions with receipts (for
/// an account: gas and transfers) and its marketplace events, projected by the core's <see cref="Postings"/> and
/// filtered by <see cref="Statement"/>. Every read is bounded by <see cref="StatementLimits"/> (stateless workers: as
/// many activations as concurrent readers).</summary>
[StatelessWorker]
public sealed class BooksGrain(LedgerNode node) : Grain, IBooksGrain
{
    private const int EventPage = 1_000;

    public async Task<StatementView> GetStatementAsync(StatementRequest q)
    {
        // The head and the account's balance read together (a block committed between them would not match the scan).
        var store = node.Store;
        long head = 0;
        Wei? balance = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            head = (await store.GetHeadAsync())?.Height ?? 0;
            balance = q.Account is { } a ? (await store.GetAccountsAsync([a])).TryGetValue(a, out var s) ? s.Balance : Wei.Zero : null;
            if ((await store.GetHeadAsync())?.Height == head) break;
            balance = null; // a block came between: no balance rather than one that does not match the scan
        }
        if (StatementLimits.Check(q, head, out var from, out var to) is { } refused) return refused;

        var rows = 0;
        var events = new SortedDictionary<long, List<MarketEvent>>();
        long? before = to + 1;
        var beforeSeq = int.MaxValue;
        while (true)
        {
            var page = await store.QueryEventsAsync(new EventQuery(BeforeHeight: before, BeforeSeq: beforeSeq, Limit: EventPage));
            foreach (var e in page.TakeWhile(e => e.Height >= from))
            {
                if (!events.TryGetValue(e.Height, out var list)) events[e.Height] = list = [];
                list.Add(e.Event);
                if (++rows > StatementLimits.MaxRows) return TooMany(from, to);
            }
            if (page.Count < EventPage || page[^1].Height < from) break;
            (before, beforeSeq) = (page[^1].Height, page[^1].Seq);
        }
        foreach (var list in events.Values) list.Reverse(); // newest first from the store; the books go in ledger order

        var blocks = new List<BookBlock>();
        await foreach (var sealedBlock in store.ReadBlocksAsync(from))
        {
            var header = sealedBlock.Header;
            if (header.Height > to) break;
            var txs = new List<(Transaction, Receipt)>();
            // Gas and transfers concern accounts only; a datanet's or model's statement reads events alone.
            if (q.Account is not null && header.TxCount > 0)
            {
                rows += header.TxCount;
                if (rows > StatementLimits.MaxRows) return TooMany(from, to);
                foreach (var record in await store.GetBlockTransactionsAsync(header.Height))
                {
                    var error = TransactionCodec.TryDecode(record.Raw, out var signed);
                    if (error.IsError) throw new InvalidOperationException($"stored transaction {record.Hash} does not decode: {error}");
                    txs.Add((signed!.Tx, record.Receipt));
                }
            }
            blocks.Add(new BookBlock(header.Height, header.Producer, txs, events.GetValueOrDefault(header.Height) ?? []));
        }

        var datanets = new Dictionary<Hash32, Datanet?>();
        foreach (var id in events.Values.SelectMany(l => l).Where(e => e.Kind is MarketEventKind.ContributionAdded or MarketEventKind.ContributionRejected)
                     .Select(e => e.Datanet).OfType<Hash32>().Distinct())
            datanets[id] = (await store.GetObjectAsync(id))?.Object as Datanet;

        var postings = new List<Posting>();
        if (from == 0) postings.AddRange(Postings.OfGenesis(node.Rules));
        foreach (var b in blocks) postings.AddRange(Postings.Of(b, node.Rules.Market, id => datanets.GetValueOrDefault(id)));

        var statement = q.Account is { } account ? Statement.OfAccount(account, postings)
            : q.Datanet is { } datanet ? Statement.OfDatanet(datanet, postings)
            : Statement.OfModel(q.Model!.Value, postings);
        Wei? closing = to == head ? balance : null;
        Wei? opening = null;
        if (closing is { } c)
        {
            var o = (System.Numerics.BigInteger)c.Value - statement.Net;
            // Negative only if the scan and the balance disagree, which the head check above rules out; shown as unknown then.
            if (o >= 0) opening = new Wei((UInt128)o);
        }
        return new StatementView(from, to, head,
            statement.Totals.Select(t => new StatementTotalView(t.Kind, t.Role, t.Flow, t.Amount, t.Count)).ToList(),
            statement.Lines.Skip(q.Offset).Take(q.Limit).Select(StatementLineView.Of).ToList(),
            statement.Lines.Count, statement.In, statement.Out, opening, closing, rows);
    }

    private static StatementView TooMany(long from, long to) =>
        StatementView.Error(StatementLimits.TooManyRows,
            $"blocks {from}..{to} hold more than {StatementLimits.MaxRows} transactions and events: narrow fromHeight..toHeight");
}
