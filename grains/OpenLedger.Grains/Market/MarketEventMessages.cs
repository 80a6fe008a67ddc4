using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;

namespace OpenLedger.Grains.Market;

/// <summary>Converts the core's events to the stream message (lower-case hex ids, decimal wei).</summary>
public static class MarketEventMessages
{
    public static MarketEventMessage From(long height, int seq, long timestampMs, MarketEvent e) => new(
        height, e.TxIndex, seq, e.Kind.ToString(), Hex(e.Subject), e.Party is { } p ? GrainKeys.Of(p) : null, e.Amount?.ToString(),
        Hex(e.Datanet), Hex(e.Model), Hex(e.Contribution), Hex(e.Inference), e.Detail,
        e.TxIndex < 0 ? "" : e.TxHash.ToString(), timestampMs);

    private static string Hex(Hash32 h) => GrainKeys.Of(h);
    private static string? Hex(Hash32? h) => h is { } hash ? GrainKeys.Of(hash) : null;
}
