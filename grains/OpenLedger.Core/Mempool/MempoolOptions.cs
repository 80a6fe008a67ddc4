namespace OpenLedger.Core.Mempool;

/// <summary>The mempool's limits: node policy, not consensus (nodes may differ). Shares are whole percents of the
/// count and byte budgets, so the arithmetic stays in integers.</summary>
/// <param name="Capacity">Transactions held at most (ready, gapped and in flight together).</param>
/// <param name="MaxPerSender">Transactions one sender may have pending.</param>
/// <param name="MaxNonceGap">How far ahead of a sender's next nonce a transaction may be and still wait.</param>
/// <param name="MaxBytes">Encoded bytes held at most: a budget beside the count, as transactions differ ~100x in size.</param>
/// <param name="FutureTtlMs">How long a gapped transaction (its nonce ahead of the sender's next) may wait for the gap to fill.</param>
/// <param name="MaxFuturePerSender">Gapped transactions one sender may have waiting.</param>
/// <param name="FutureSharePercent">Share of <see cref="Capacity"/> gapped transactions may take together.</param>
/// <param name="OperatorReservePercent">Share of both budgets only the operators (producer, serving and attribution
/// operators) may use, so their results and settlements are never starved by strangers.</param>
/// <param name="ReplacementBumpPercent">How much more a transaction must pay per gas to replace a pending one of the
/// same sender and nonce (geth's default is 10).</param>
public sealed record MempoolOptions(
    int Capacity = 200_000,
    int MaxPerSender = 1_024,
    int MaxNonceGap = 64,
    long MaxBytes = 128L * 1024 * 1024,
    long FutureTtlMs = 180_000,
    int MaxFuturePerSender = 16,
    int FutureSharePercent = 25,
    int OperatorReservePercent = 10,
    int ReplacementBumpPercent = 10)
{
    /// <summary>Gapped transactions held at most (at least one, so a small pool still lets a client send out of order).</summary>
    public int MaxFuture => Math.Max(1, (int)((long)Capacity * FutureSharePercent / 100));

    /// <summary>The part of the count budget anyone may use; the rest is the operators' reserve.</summary>
    public int GeneralCapacity => Capacity - (int)((long)Capacity * OperatorReservePercent / 100);

    /// <summary>The part of the byte budget anyone may use; the rest is the operators' reserve (the share is taken
    /// in two steps so a large budget cannot overflow).</summary>
    public long GeneralBytes => MaxBytes - (MaxBytes / 100 * OperatorReservePercent + MaxBytes % 100 * OperatorReservePercent / 100);

    /// <summary>Refuses limits that would make the pool useless or its arithmetic wrong (a configuration error at start).</summary>
    public MempoolOptions Validated()
    {
        static void Require(bool ok, string what) { if (!ok) throw new ArgumentException($"mempool options: {what}"); }
        Require(Capacity >= 1, "capacity must be positive");
        Require(MaxPerSender >= 1, "maxPerSender must be positive");
        Require(MaxNonceGap >= 0, "maxNonceGap must not be negative");
        Require(MaxBytes >= 1, "maxBytes must be positive");
        Require(FutureTtlMs >= 0, "futureTtlMs must not be negative");
        Require(MaxFuturePerSender >= 0, "maxFuturePerSender must not be negative");
        Require(FutureSharePercent is >= 0 and <= 100, "futureSharePercent must be 0..100");
        Require(OperatorReservePercent is >= 0 and < 100, "operatorReservePercent must be 0..99");
        Require(ReplacementBumpPercent is >= 0 and <= 1000, "replacementBumpPercent must be 0..1000");
        return this;
    }
}
