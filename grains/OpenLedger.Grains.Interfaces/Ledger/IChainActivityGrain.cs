namespace OpenLedger.Grains.Ledger;

/// <summary>The chain's recent activity for charts (blocks and transactions over time), read in one bounded query
/// from the block table (a stateless worker: as many activations as there are readers).</summary>
public interface IChainActivityGrain : IGrainWithIntegerKey
{
    /// <summary>Among the newest <paramref name="limit"/> committed blocks (at most <see cref="ChainActivityLimits.MaxBlocks"/>), those
    /// sealed at or after <paramref name="sinceMs"/>, newest first.</summary>
    Task<IReadOnlyList<BlockStampView>> GetRecentBlocksAsync(long sinceMs, int limit);
}

/// <summary>A committed block's height, seal time (Unix milliseconds) and transaction count.</summary>
[GenerateSerializer, Immutable, Alias("openledger.BlockStampView")]
public sealed record BlockStampView([property: Id(0)] long Height, [property: Id(1)] long TimestampMs, [property: Id(2)] int TransactionCount);

/// <summary>How much one activity read may cover.</summary>
public static class ChainActivityLimits
{
    /// <summary>The most blocks one call reads.</summary>
    public const int MaxBlocks = 10_000;
}
