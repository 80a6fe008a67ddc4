namespace OpenLedger.Core.Mempool;

/// <summary>The orders the pool keeps its entries in. Each is total (ends on a unique sequence number), as a sorted
/// set drops an element that compares equal to another.</summary>
internal static class EntryOrder
{
    /// <summary>The ready queue: admission order (a sender's run is admitted, and so queued, in nonce order).</summary>
    public static readonly IComparer<PoolEntry> Ready = Comparer<PoolEntry>.Create((a, b) => a.ReadySeq.CompareTo(b.ReadySeq));

    /// <summary>Who is evicted first when the pool is full: the lowest gas price; at equal price a gapped one before a
    /// ready one; then the newest (so the earliest arrivals keep their place).</summary>
    public static readonly IComparer<PoolEntry> Eviction = Comparer<PoolEntry>.Create((a, b) =>
    {
        var c = a.Price.CompareTo(b.Price);
        if (c != 0) return c;
        c = Rank(a).CompareTo(Rank(b));
        return c != 0 ? c : b.AdmittedSeq.CompareTo(a.AdmittedSeq);
    });

    /// <summary>Gapped transactions by age, for the time to live.</summary>
    public static readonly IComparer<PoolEntry> Age = Comparer<PoolEntry>.Create((a, b) =>
    {
        var c = a.AdmittedAtMs.CompareTo(b.AdmittedAtMs);
        return c != 0 ? c : a.AdmittedSeq.CompareTo(b.AdmittedSeq);
    });

    private static int Rank(PoolEntry e) => e.State == PoolStatus.Future ? 0 : 1;
}
