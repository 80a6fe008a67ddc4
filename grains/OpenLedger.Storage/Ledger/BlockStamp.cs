namespace OpenLedger.Storage.Ledger;

/// <summary>When a committed block was sealed and how many transactions it holds: what the chain's activity charts
/// count, read from the block table's own columns (no header decoded).</summary>
public sealed record BlockStamp(long Height, long TimestampMs, int TransactionCount);
