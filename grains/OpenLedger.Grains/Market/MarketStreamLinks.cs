namespace OpenLedger.Grains.Market;

/// <summary>The relay's memory of the last event it routed to each "market" stream (published or skipped for want of
/// listeners), so each message it publishes names its predecessor on that stream
/// (<see cref="MarketEventMessage.PreviousHeight"/>). A subscriber whose last event is that predecessor has missed
/// nothing; one whose last event differs has a gap (a message lost with a dead silo, or routed while its subscription
/// was gone) and fills it from the store. Only an unbroken run of blocks is linked: when the relay is told the previous
/// block with events is not the one it saw last (it was reactivated, or a call was lost), it forgets everything and the
/// next message on each stream is "unknown", which a subscriber checks against the store. Not thread-safe (the relay is
/// not reentrant).</summary>
public sealed class MarketStreamLinks
{
    /// <summary>Streams remembered at most; beyond, the memory starts over (a stream's next message is then "unknown",
    /// costing each of its subscribers one store read): a node whose blocks touch millions of accounts stays bounded.</summary>
    public const int MaxStreams = 100_000;

    private readonly Dictionary<StreamId, (long Height, int Sequence)> _last = [];
    private long _block = MarketEventMessage.UnknownPrevious;

    /// <summary>Streams remembered now.</summary>
    public int Count => _last.Count;

    /// <summary>Starts block <paramref name="height"/>, whose producer says the previous block with events was
    /// <paramref name="previousBlock"/> (<see cref="MarketEventMessage.UnknownPrevious"/> when it does not know).
    /// Anything but the block seen last breaks the run, and the links are forgotten.</summary>
    public void BeginBlock(long height, long previousBlock)
    {
        if (previousBlock == MarketEventMessage.UnknownPrevious || previousBlock != _block || _last.Count > MaxStreams) _last.Clear();
        _block = height;
    }

    /// <summary>Forgets every link (messages not made from a block, whose run cannot be vouched for).</summary>
    public void Reset()
    {
        _last.Clear();
        _block = MarketEventMessage.UnknownPrevious;
    }

    /// <summary>Links <paramref name="events"/> (one stream's, in order) to their predecessors and remembers the last.
    /// With <paramref name="publish"/> false (nobody listens) only the memory moves on.</summary>
    public IReadOnlyList<MarketEventMessage> Link(StreamId stream, List<MarketEventMessage> events, bool publish)
    {
        var previous = _last.TryGetValue(stream, out var p) ? p : ((long Height, int Sequence)?)null;
        _last[stream] = events[^1].Key;
        if (!publish) return events;
        var linked = new MarketEventMessage[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            linked[i] = previous is { } prev ? e with { PreviousHeight = prev.Height, PreviousSequence = prev.Sequence } : e.WithoutLink();
            previous = e.Key;
        }
        return linked;
    }
}
