using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;

namespace OpenLedger.Tests.Streams;

/// <summary>The relay's links (<see cref="MarketStreamLinks"/>): each message names the event routed to its stream just
/// before it, across blocks and across streams nobody listened to, and only across an unbroken run of blocks.</summary>
public class MarketStreamLinksTests
{
    private static readonly StreamId S = MarketStreams.RewardsStream("0x" + new string('a', 40));
    private static readonly StreamId T = MarketStreams.RewardsStream("0x" + new string('b', 40));

    private static MarketEventMessage E(long height, int sequence) =>
        new(height, sequence, sequence, MarketEventKinds.RewardCredited, "0x01", null, "1", null, null, null, null, null, "", 0);

    private static (long, int) Link(MarketEventMessage m) => (m.PreviousHeight, m.PreviousSequence);

    [Fact]
    public void Messages_name_their_predecessor_on_the_stream_within_and_across_blocks()
    {
        var links = new MarketStreamLinks();
        links.BeginBlock(5, MarketEventMessage.UnknownPrevious);
        var first = links.Link(S, [E(5, 0), E(5, 3)], publish: true);
        Assert.Equal(MarketEventMessage.UnknownPrevious, first[0].PreviousHeight); // the relay has just started
        Assert.Equal((5L, 0), Link(first[1]));

        links.BeginBlock(7, previousBlock: 5);
        var second = links.Link(S, [E(7, 1)], publish: true);
        Assert.Equal((5L, 3), Link(second[0]));
        // Listeners get the event without its link: equal to the store's copy.
        Assert.Equal(E(7, 1), second[0].WithoutLink());
    }

    [Fact]
    public void A_stream_skipped_for_want_of_listeners_still_moves_its_link_on()
    {
        var links = new MarketStreamLinks();
        links.BeginBlock(1, MarketEventMessage.UnknownPrevious);
        links.Link(T, [E(1, 0)], publish: true);
        links.BeginBlock(2, 1);
        var skipped = links.Link(T, [E(2, 4)], publish: false);
        Assert.Equal(E(2, 4), skipped[0]); // not copied: nothing goes out
        links.BeginBlock(3, 2);
        // A subscriber whose last event is (1, 0) sees the link (2, 4): it missed that one and reads it from the store.
        Assert.Equal((2L, 4), Link(links.Link(T, [E(3, 0)], publish: true)[0]));
    }

    [Fact]
    public void A_break_in_the_run_of_blocks_forgets_every_link()
    {
        var links = new MarketStreamLinks();
        links.BeginBlock(10, MarketEventMessage.UnknownPrevious);
        links.Link(S, [E(10, 0)], publish: true);
        links.BeginBlock(12, previousBlock: 11); // block 11's call never arrived (the relay's silo died, or it was lost)
        Assert.Equal(0, links.Count);
        Assert.Equal(MarketEventMessage.UnknownPrevious, links.Link(S, [E(12, 0)], publish: true)[0].PreviousHeight);
        links.BeginBlock(13, MarketEventMessage.UnknownPrevious); // the producer was reactivated: it does not know
        Assert.Equal(MarketEventMessage.UnknownPrevious, links.Link(S, [E(13, 0)], publish: true)[0].PreviousHeight);
        links.Reset();
        Assert.Equal(0, links.Count);
    }
}
