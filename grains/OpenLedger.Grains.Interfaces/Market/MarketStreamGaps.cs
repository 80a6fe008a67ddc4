using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>Reads from the store what a "market" stream should have carried: the committed events of one datanet's or
/// one account's stream between two events, oldest first. The stream is advisory (its messages die with the silo that
/// queued them, and a subscription dies with the silo that kept it); this is how a subscriber that finds a gap
/// (<see cref="MarketEventMessage.PreviousHeight"/>) or lived through a silo's death makes it good, so each listener
/// still sees every event of its stream once and in order.</summary>
public sealed class MarketStreamGaps(IClusterClient client)
{
    /// <summary>At most this many events are read to fill one gap (the newest of them, should a gap be longer: a
    /// subscriber that far behind reads its history with the queries).</summary>
    public const int MaxEvents = 10_000;

    /// <summary>The chain's committed head: events after it are still to come on the stream.</summary>
    public async Task<long> HeadHeightAsync() => (await client.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;

    /// <summary>The store's query for a stream's events, and whether an event it returns belongs to the stream (the
    /// datanet's stream does not carry reward credits: see MarketEventPublisher.Routes); null for a stream the store
    /// does not answer for (a training job's, an attribution operator's).</summary>
    public static (MarketEventQuery Query, Func<MarketEventMessage, bool> Carries)? QueryOf(StreamId stream)
    {
        var ns = stream.GetNamespace();
        var key = stream.GetKeyAsString();
        return ns switch
        {
            MarketStreams.RewardsNamespace when Address.TryParse(key, out var party) => (new MarketEventQuery(Party: party), _ => true),
            MarketStreams.DatanetNamespace when Hash32.TryParse(key, out var datanet) =>
                (new MarketEventQuery(Datanet: datanet), e => e.Kind != MarketEventKinds.RewardCredited),
            _ => null,
        };
    }

    /// <summary>The stream's committed events after <paramref name="after"/> and before <paramref name="before"/> (both
    /// exclusive; no upper bound when null), oldest first; null when the store does not answer for this stream.</summary>
    public async Task<IReadOnlyList<MarketEventMessage>?> ReadAsync(StreamId stream, (long Height, int Sequence) after,
        (long Height, int Sequence)? before, CancellationToken ct = default)
    {
        if (QueryOf(stream) is not { } q) return null;
        var grain = client.GetGrain<IMarketQueryGrain>(0);
        var newestFirst = new List<MarketEventMessage>();
        var page = q.Query with { Limit = 1000, BeforeHeight = before?.Height, BeforeSeq = before?.Sequence ?? int.MaxValue };
        while (newestFirst.Count < MaxEvents)
        {
            ct.ThrowIfCancellationRequested();
            var events = await grain.QueryEventsAsync(page);
            if (events.Count == 0) break;
            foreach (var e in events)
            {
                if (e.Key.CompareTo(after) <= 0) return Oldest(newestFirst);
                if (q.Carries(e)) newestFirst.Add(e);
                if (newestFirst.Count >= MaxEvents) break;
            }
            page = page with { BeforeHeight = events[^1].Height, BeforeSeq = events[^1].Sequence };
        }
        return Oldest(newestFirst);
    }

    private static List<MarketEventMessage> Oldest(List<MarketEventMessage> newestFirst)
    {
        newestFirst.Reverse();
        return newestFirst;
    }
}
