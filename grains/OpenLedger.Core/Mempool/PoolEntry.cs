using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Mempool;

/// <summary>One held transaction and what the pool knows of it. The fields the pool's sorted sets order by
/// (<see cref="State"/>, the prices and sequence numbers) change only while the entry is out of those sets.</summary>
internal sealed class PoolEntry(VerifiedTransaction tx, Wei cost, ulong gas, bool isOperator, long admittedSeq, long admittedAtMs)
{
    public VerifiedTransaction Tx { get; } = tx;
    public Hash32 Hash => Tx.Hash;
    public Address Sender => Tx.Sender;
    public ulong Nonce => Tx.Tx.Nonce;
    public Wei Price => Tx.Tx.GasPrice;
    public int Bytes => Tx.Raw.Length;
    /// <summary>The most it can take from its sender (<see cref="Ledger.TransactionCost.TryMaxCost"/>).</summary>
    public Wei Cost { get; } = cost;
    public ulong Gas { get; } = gas;
    public bool IsOperator { get; } = isOperator;
    /// <summary>Unique and increasing: a larger one was admitted later ("newest" when evicting).</summary>
    public long AdmittedSeq { get; } = admittedSeq;
    /// <summary>When its nonce was first admitted: a gapped transaction's time to live runs from here (a replacement
    /// keeps it, so bumping the price does not keep a gap alive).</summary>
    public long AdmittedAtMs { get; set; } = admittedAtMs;
    /// <summary>Its place in the ready queue; kept while in flight so a transaction the block did not take returns to it.</summary>
    public long ReadySeq { get; set; }
    public PoolStatus State { get; set; }
    /// <summary>Whether it is in the pool's evictable set (every gapped entry, and each sender's last ready one).</summary>
    public bool Evictable { get; set; }
}
