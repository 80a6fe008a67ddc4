using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Grains.Market;

/// <summary>Converts the core's events to the stream message (lower-case hex ids, decimal wei).</summary>
public static class MarketEventMessages
{
    public static MarketEventMessage From(long height, int seq, long timestampMs, MarketEvent e) => new(
        height, e.TxIndex, seq, e.Kind.ToString(), Hex(e.Subject), e.Party is { } p ? GrainKeys.Of(p) : null, e.Amount?.ToString(),
        Hex(e.Datanet), Hex(e.Model), Hex(e.Contribution), Hex(e.Inference), e.Detail,
        e.TxIndex < 0 ? "" : e.TxHash.ToString(), timestampMs);

    /// <summary>A committed block's events, in block order (the sequence is the position), each field as <see cref="From"/>
    /// writes it. A settlement's hundred credits name the same inference, model and transaction and, block after block,
    /// the same payees, contributions and amounts: each id, address and amount is turned to text once per block here and
    /// the string shared, which is most of what converting the events cost the producer.</summary>
    public static List<MarketEventMessage> OfBlock(long height, long timestampMs, IReadOnlyList<MarketEvent> events)
    {
        var text = new BlockText();
        var messages = new List<MarketEventMessage>(events.Count);
        for (int seq = 0; seq < events.Count; seq++)
        {
            var e = events[seq];
            messages.Add(new(
                height, e.TxIndex, seq, text.Kind(e.Kind), text.Of(e.Subject), e.Party is { } p ? text.Of(p) : null,
                e.Amount is { } a ? text.Of(a) : null,
                text.Of(e.Datanet), text.Of(e.Model), text.Of(e.Contribution), text.Of(e.Inference), e.Detail,
                e.TxIndex < 0 ? "" : text.Of(e.TxHash), timestampMs));
        }
        return messages;
    }

    private static string Hex(Hash32 h) => GrainKeys.Of(h);
    private static string? Hex(Hash32? h) => h is { } hash ? GrainKeys.Of(hash) : null;

    /// <summary>The text of each value seen in one block, made once.</summary>
    private sealed class BlockText
    {
        private readonly Dictionary<Hash32, string> _hashes = [];
        private readonly Dictionary<Address, string> _addresses = [];
        private readonly Dictionary<Wei, string> _amounts = [];
        private readonly Dictionary<MarketEventKind, string> _kinds = [];

        public string Of(Hash32 h)
        {
            if (!_hashes.TryGetValue(h, out var s)) _hashes[h] = s = GrainKeys.Of(h);
            return s;
        }

        public string? Of(Hash32? h) => h is { } hash ? Of(hash) : null;

        public string Of(Address a)
        {
            if (!_addresses.TryGetValue(a, out var s)) _addresses[a] = s = GrainKeys.Of(a);
            return s;
        }

        public string Of(Wei w)
        {
            if (!_amounts.TryGetValue(w, out var s)) _amounts[w] = s = w.ToString();
            return s;
        }

        public string Kind(MarketEventKind k)
        {
            if (!_kinds.TryGetValue(k, out var s)) _kinds[k] = s = k.ToString();
            return s;
        }
    }
}
