using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>The committed events a subscription replays before it goes live (<c>fromHeight</c>), read from the event
/// index oldest first. A client that subscribes from a height it has already seen (or from the height of the
/// transaction it just sent) misses nothing between its last query and the moment the gateway's stream listener became
/// active, and sees nothing twice: <see cref="MarketEventFeed"/> drops live events at or before the last replayed one.</summary>
public static class MarketEventReplay
{
    /// <summary>At most this many events are replayed; a longer history is refused (page it with the
    /// <c>activity</c>/<c>marketEvents</c> queries, then subscribe from a later height).</summary>
    public const int MaxEvents = 1000;

    /// <summary>The stable code of a replay that would exceed <see cref="MaxEvents"/>.</summary>
    public const string TooLongCode = "REPLAY_TOO_LONG";

    /// <summary>The code of a negative <c>fromHeight</c>.</summary>
    public const string InvalidHeightCode = "INVALID_HEIGHT";

    /// <summary>Checks <paramref name="fromHeight"/> at once (before any listener is made) and returns the reader of the
    /// events matching <paramref name="query"/> at or after it, or null when no replay was asked for.</summary>
    public static Func<CancellationToken, Task<IReadOnlyList<MarketEventMessage>>>? From(IMarketQueryGrain grain, MarketEventQuery query, long? fromHeight)
    {
        if (fromHeight is not { } from) return null;
        if (from < 0) throw new InvalidInputError(InvalidHeightCode, $"fromHeight is {from}; it must be 0 or more");
        return async ct =>
        {
            // Newest first in pages, until a page reaches below fromHeight or comes back empty; one more than the cap says
            // "too long". A page may be shorter than asked without being the last: the store bounds its pages (1,000 events),
            // and taking a short page for the end replayed only the newest 1,000 of a longer history, without an error.
            var newestFirst = new List<MarketEventMessage>();
            var page = query with { Limit = MaxEvents + 1 };
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var events = await grain.QueryEventsAsync(page);
                if (events.Count == 0) return Oldest(newestFirst);
                foreach (var e in events)
                {
                    if (e.Height < from) return Oldest(newestFirst);
                    newestFirst.Add(e);
                    if (newestFirst.Count > MaxEvents)
                        throw new InvalidInputError(TooLongCode, $"more than {MaxEvents} events since height {from}; " +
                            "read them with the activity or marketEvents queries and subscribe from a later height");
                }
                page = page with { BeforeHeight = events[^1].Height, BeforeSeq = events[^1].Sequence };
            }
        };
    }

    private static List<MarketEventMessage> Oldest(List<MarketEventMessage> newestFirst)
    {
        newestFirst.Reverse();
        return newestFirst;
    }
}
