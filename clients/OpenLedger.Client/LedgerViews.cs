using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Client;

/// <summary>The chain a node runs: its identity, the gas price floor a transaction must pay, and its head.</summary>
public sealed record ChainSummary(ulong ChainId, string Name, Wei GasPriceFloor, int BlockIntervalMs, long HeadHeight, bool Dev);

/// <summary>An account: committed balance and nonce, and the nonce to sign next counting what waits in the mempool.</summary>
public sealed record AccountInfo(Address Address, Wei Balance, ulong Nonce, ulong NextNonce, int PendingCount, Hash32[] PendingTransactions);

/// <summary>Where a transaction is: unknown to the node, pending in its mempool, or committed.</summary>
public enum TransactionStatus { Unknown = 0, Pending = 1, Committed = 2 }

/// <summary>A transaction as the node knows it; the place, receipt and the kind's own fields are set once it is committed.</summary>
public sealed record TransactionInfo(
    Hash32 Hash, TransactionStatus Status, string? Kind, Address? From, Address? To, Wei? Amount, ulong? Nonce,
    long? BlockHeight, int? Index, bool? Succeeded, string? ErrorCode, ulong? GasUsed, Wei? Fee, TransactionFieldInfo[]? Fields = null)
{
    public static TransactionInfo Unknown(Hash32 hash) => new(hash, TransactionStatus.Unknown, null, null, null, null, null, null, null, null, null, null, null);
}

/// <summary>One field of a committed transaction's body: its EIP-712 name and type, and its value (one element) or an
/// array's elements, as typed-data text.</summary>
public sealed record TransactionFieldInfo(string Name, string Type, string[] Values);

/// <summary>A committed block's header and its transactions' hashes.</summary>
public sealed record BlockInfo(
    long Height, Hash32 Hash, Hash32 ParentHash, DateTimeOffset Timestamp, Hash32 TransactionsRoot, Hash32 ReceiptsRoot,
    Hash32 StateRoot, Address Producer, ulong GasUsed, Hash32[] TransactionHashes);

/// <summary>The node's answer to one submitted transaction: accepted into its mempool with its hash, or refused with
/// a stable ledger error code (NonceTooLow, SignerMismatch, BadSignature, InsufficientBalance, ...).</summary>
public sealed record SendResult(Hash32? Hash, string? ErrorCode, string? Message)
{
    public bool Accepted => ErrorCode is null;
}
