using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Charts;

/// <summary>Reads the committed events a series counts: newest first, back to the axis' start, in store pages, and
/// at most <see cref="MaxEvents"/> of them, so a busy account or model never makes one field read its whole history.</summary>
public static class WindowedEvents
{
    /// <summary>The most events one series reads.</summary>
    public const int MaxEvents = 10_000;

    private const int Page = 1_000;

    /// <summary>The events matching <paramref name="query"/> (its page fields set here) stamped at or after
    /// <paramref name="sinceMs"/>, newest first; <c>Truncated</c> when the bound stopped the read before the window's
    /// start (older events of the window may exist).</summary>
    public static async Task<(List<MarketEventMessage> Events, bool Truncated)> ReadAsync(IMarketQueryGrain grain, MarketEventQuery query, long sinceMs)
    {
        var events = new List<MarketEventMessage>();
        var page = query with { Limit = Page };
        while (true)
        {
            var read = await grain.QueryEventsAsync(page);
            foreach (var e in read)
            {
                if (e.TimestampMs < sinceMs) return (events, false);
                events.Add(e);
                if (events.Count == MaxEvents) return (events, true);
            }
            if (read.Count < Page) return (events, false);
            page = page with { BeforeHeight = read[^1].Height, BeforeSeq = read[^1].Sequence };
        }
    }
}
