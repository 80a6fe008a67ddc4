using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Market;

/// <summary>What one block changed, collected while it executes: the accounts and marketplace objects to write and
/// the events to publish. The current transaction's index and hash stamp the events it emits.</summary>
public sealed class BlockChanges(int expectedTransactions = 0)
{
    private readonly Dictionary<Hash32, IMarketObject> _objects = [];

    /// <summary>Sized for about one new account per transaction (a transfer touches its sender, its recipient and the
    /// producer): growing the set from empty to a large block's thousands copied it through a chain of large-object arrays.</summary>
    public HashSet<Address> Accounts { get; } = new(expectedTransactions);
    public List<MarketEvent> Events { get; } = [];
    public int TxIndex { get; set; } = -1;
    public Hash32 TxHash { get; set; }

    public IEnumerable<IMarketObject> Objects => _objects.Values;

    internal void Changed(IMarketObject o) => _objects[o.Id] = o;

    internal void Emit(MarketEventKind kind, Hash32 subject, Address? party = null, Money.Wei? amount = null,
        Hash32? datanet = null, Hash32? model = null, Hash32? contribution = null, Hash32? inference = null, string? detail = null) =>
        Events.Add(new MarketEvent(kind, TxIndex, TxHash, subject, party, amount, datanet, model, contribution, inference, detail));
}
