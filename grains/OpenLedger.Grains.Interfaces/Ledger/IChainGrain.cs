namespace OpenLedger.Grains.Ledger;

/// <summary>The chain's identity and head, and a long-poll for newly committed blocks.</summary>
public interface IChainGrain : IGrainWithIntegerKey
{
    Task<ChainInfo> GetInfoAsync();

    /// <summary>Committed blocks above <paramref name="afterHeight"/>, waiting up to <paramref name="timeout"/> for one.
    /// Returns the recent ones it still holds (a caller far behind reads blocks from BlockGrain instead).</summary>
    Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout);

    /// <summary>Called by the producer after each commit.</summary>
    Task PublishAsync(BlockCommitted block);
}
