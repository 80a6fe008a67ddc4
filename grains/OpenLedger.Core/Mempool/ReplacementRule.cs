using OpenLedger.Core.Money;

namespace OpenLedger.Core.Mempool;

/// <summary>A pending transaction is replaced (same sender, same nonce) only by one paying at least
/// <c>bumpPercent</c> more per gas, rounded up, as geth does: otherwise a sender could churn the pool for free.</summary>
public static class ReplacementRule
{
    /// <summary>The least gas price that replaces a transaction paying <paramref name="pending"/>; false when that
    /// price does not fit in 128 bits (nothing can replace it).</summary>
    public static bool TryMinimumPrice(Wei pending, int bumpPercent, out Wei minimum)
    {
        minimum = Wei.Zero;
        // pending + ceil(pending * bump / 100), computed as whole hundredths plus the remainder's share so it cannot overflow early.
        if (bumpPercent < 0) throw new ArgumentOutOfRangeException(nameof(bumpPercent));
        var part = new Wei((pending.Value % 100 * (UInt128)bumpPercent + 99) / 100);
        return Wei.TryMultiply(new Wei(pending.Value / 100), (ulong)bumpPercent, out var whole)
            && Wei.TryAdd(pending, whole, out var sum) && Wei.TryAdd(sum, part, out minimum);
    }
}
