namespace OpenLedger.Grains.Ledger;

/// <summary>The chain's identity and head, and a long-poll for newly committed blocks.</summary>
public interface IChainGrain : IGrainWithIntegerKey
{
    Task<ChainInfo> GetInfoAsync();

    /// <summary>The height of the committed block with this hash, or null.</summary>
    Task<long?> HeightOfAsync(OpenLedger.Core.Crypto.Hash32 blockHash);

    /// <summary>Committed blocks above <paramref name="afterHeight"/>, in height order, waiting up to
    /// <paramref name="timeout"/> for one; empty only on timeout. A caller far behind gets the next page (at most 256
    /// blocks, without account changes) and asks again from the last height it got.</summary>
    Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout);

    /// <summary>Called by the producer after each commit.</summary>
    Task PublishAsync(BlockCommitted block);
}
