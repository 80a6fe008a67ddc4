using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Tests.Grains;

/// <summary>What the chain grain keeps in memory for its long-poll: bounded by blocks and by the entries they carry,
/// and a waiter behind what it holds is told to read the store.</summary>
public class RecentBlocksTests
{
    private static Hash32 HashOf(long height, int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, height);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), i);
        return new Hash32(bytes);
    }

    private static BlockCommitted Block(long height, int transactions) =>
        new(height, HashOf(height, -1), height * 1000, [.. Enumerable.Range(0, transactions).Select(i => HashOf(height, i))], [], []);

    [Fact]
    public void Keeps_the_last_blocks_up_to_the_block_count()
    {
        var recent = new RecentBlocks(maxBlocks: 4, maxEntries: 1_000_000);
        for (long h = 1; h <= 10; h++) recent.Add(Block(h, 3));
        Assert.Equal(4, recent.Count);
        Assert.Equal(7, recent.OldestHeight);
        Assert.Equal(4 * 4, recent.Entries);
        Assert.Equal([8L, 9, 10], recent.After(7)!.Select(b => b.Height));
        Assert.Equal([7L, 8, 9, 10], recent.After(6)!.Select(b => b.Height));
        Assert.Empty(recent.After(10)!);
    }

    [Fact]
    public void Large_blocks_are_evicted_by_their_entries_before_the_block_count()
    {
        var recent = new RecentBlocks(maxBlocks: 256, maxEntries: 10_000);
        for (long h = 1; h <= 20; h++) recent.Add(Block(h, 2_999)); // 3,000 entries each with the block itself
        Assert.Equal(3, recent.Count);
        Assert.Equal(9_000, recent.Entries);
        Assert.Equal(18, recent.OldestHeight);
    }

    [Fact]
    public void A_waiter_behind_what_memory_holds_is_sent_to_the_store()
    {
        var recent = new RecentBlocks(maxBlocks: 3, maxEntries: 1_000_000);
        Assert.Null(recent.After(0)); // nothing held yet: the store answers
        for (long h = 1; h <= 5; h++) recent.Add(Block(h, 1));
        Assert.Null(recent.After(1)); // needs 2, oldest held is 3
        Assert.NotNull(recent.After(2));
    }

    [Fact]
    public void The_newest_blocks_stay_however_large_they_are()
    {
        var recent = new RecentBlocks(maxBlocks: 256, maxEntries: 100);
        for (long h = 1; h <= 5; h++) recent.Add(Block(h, 1_000));
        Assert.Equal(RecentBlocks.MinBlocks, recent.Count);
        Assert.Equal([4L, 5], recent.After(3)!.Select(b => b.Height));
    }

    [Fact]
    public void Finds_a_held_block_by_hash()
    {
        var recent = new RecentBlocks(maxBlocks: 3, maxEntries: 1_000_000);
        for (long h = 1; h <= 5; h++) recent.Add(Block(h, 1));
        Assert.Equal(4, recent.HeightOf(HashOf(4, -1)));
        Assert.Null(recent.HeightOf(HashOf(1, -1))); // evicted: the caller asks the store
    }
}
