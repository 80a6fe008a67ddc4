using GraphQL;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Ledger;

namespace OpenLedger.GraphQL.Market;

/// <summary>When a block deadline will pass, in wall-clock terms: the head's timestamp plus one block interval per
/// block still to come. Deadlines count blocks, and the producer seals one block per interval while anything with a
/// deadline is open, even on an idle chain, so the estimate holds unless the producer stops or falls behind.</summary>
internal static class DeadlineEstimate
{
    public const string Description =
        "Estimated (UTC): the head block's timestamp plus one block interval for each block until the one that expires it " +
        "(the first past deadlineHeight). The producer seals a block every interval while it is open, even on an idle chain.";

    /// <summary>The estimated time of the block that expires something whose last block is <paramref name="deadlineHeight"/>.</summary>
    public static async Task<DateTime?> ExpiresAtAsync(IResolveFieldContext c, long deadlineHeight)
    {
        var chain = await c.Grains().GetGrain<IChainGrain>(0).GetInfoAsync();
        if (await c.LoadBlock(chain.HeadHeight).GetResultAsync() is not { } head) return null;
        var blocks = Math.Max(0, deadlineHeight + 1 - head.Height);
        return DateTimeOffset.FromUnixTimeMilliseconds(head.TimestampMs + blocks * chain.BlockIntervalMs).UtcDateTime;
    }
}
