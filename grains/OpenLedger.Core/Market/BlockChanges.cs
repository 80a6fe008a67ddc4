using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Market;

/// <summary>What one block changed, collected while it executes: the accounts and marketplace objects to write and
/// the events to publish. The current transaction's index and hash stamp the events it emits.</summary>
public sealed class BlockChanges
{
    private readonly Dictionary<Hash32, IMarketObject> _objects = [];

    public HashSet<Address> Accounts { get; } = [];
    public List<MarketEvent> Events { get; } = [];
    public int TxIndex { get; set; } = -1;
    public Hash32 TxHash { get; set; }

    public IEnumerable<IMarketObject> Objects => _objects.Values;

    internal void Changed(IMarketObject o) => _objects[o.Id] = o;

    internal void Emit(MarketEventKind kind, Hash32 subject, Address? party = null, Money.Wei? amount = null,
        Hash32? datanet = null, Hash32? model = null, Hash32? contribution = null, Hash32? inference = null, string? detail = null) =>
        Events.Add(new MarketEvent(kind, TxIndex, TxHash, subject, party, amount, datanet, model, contribution, inference, detail));
}
