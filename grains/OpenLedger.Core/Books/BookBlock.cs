using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Books;

/// <summary>What the books read of one committed block: its transactions with their receipts (the fee, and whether a
/// transfer happened) and its marketplace events in order (every other movement of wei). The executor's
/// <see cref="ExecutedBlock"/> and the store's records both give it; gas goes to <see cref="Producer"/>.</summary>
public sealed record BookBlock(long Height, Address Producer, IReadOnlyList<(Transaction Tx, Receipt Receipt)> Transactions, IReadOnlyList<MarketEvent> Events)
{
    public static BookBlock Of(ExecutedBlock b) =>
        new(b.Header.Height, b.Header.Producer, b.Transactions.Select((t, i) => (t.Tx, b.Receipts[i])).ToList(), b.Events);
}
