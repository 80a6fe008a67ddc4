using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Grains.Ledger;

/// <summary>The answer to one submitted transaction: its hash, or a stable error code and message.</summary>
[GenerateSerializer, Immutable, Alias("openledger.SubmitResult")]
public sealed record SubmitResult(
    [property: Id(0)] Hash32? Hash,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? Message)
{
    public bool Accepted => ErrorCode is null;
    public static SubmitResult Ok(Hash32 hash) => new(hash, null, null);
    public static SubmitResult Fail(Core.Errors.LedgerError e, Hash32? hash = null) => new(hash, e.CodeText, e.Message);
}

/// <summary>A batch of verified transactions handed between grains without copying.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TxBatch")]
public sealed record TxBatch([property: Id(0)] IReadOnlyList<VerifiedTransaction> Transactions);

/// <summary>What the producer takes for the next block: ready transactions in queue order within the block's
/// transaction and gas limits, and whether a limit cut the take short while more were ready (then the producer seals
/// the next block at once instead of at the next interval).</summary>
[GenerateSerializer, Immutable, Alias("openledger.TakenTransactions")]
public sealed record TakenTransactions(
    [property: Id(0)] IReadOnlyList<VerifiedTransaction> Transactions,
    [property: Id(1)] bool MoreWaiting);

/// <summary>What the producer tells the mempool and watchers after a block commits.</summary>
[GenerateSerializer, Immutable, Alias("openledger.BlockCommitted")]
public sealed record BlockCommitted(
    [property: Id(0)] long Height,
    [property: Id(1)] Hash32 BlockHash,
    [property: Id(2)] long TimestampMs,
    [property: Id(3)] IReadOnlyList<Hash32> Included,
    [property: Id(4)] IReadOnlyList<Hash32> Excluded,
    [property: Id(5)] IReadOnlyList<AccountSnapshot> ChangedAccounts);

/// <summary>An account's committed state at a height.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Address Address,
    [property: Id(1)] Wei Balance,
    [property: Id(2)] ulong Nonce,
    [property: Id(3)] long Height);

/// <summary>A block as clients read it.</summary>
[GenerateSerializer, Immutable, Alias("openledger.BlockView")]
public sealed record BlockView(
    [property: Id(0)] long Height,
    [property: Id(1)] Hash32 Hash,
    [property: Id(2)] Hash32 ParentHash,
    [property: Id(3)] long TimestampMs,
    [property: Id(4)] Hash32 TxRoot,
    [property: Id(5)] Hash32 ReceiptsRoot,
    [property: Id(6)] Hash32 StateRoot,
    [property: Id(7)] Address Producer,
    [property: Id(8)] ulong GasUsed,
    [property: Id(9)] IReadOnlyList<Hash32> TransactionHashes,
    [property: Id(10)] byte[] ProducerSignature);

public enum TxStatus { Unknown = 0, Pending = 1, Committed = 2 }

/// <summary>A transaction's status and, once committed, its place, receipt and its kind's own fields.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TransactionView")]
public sealed record TransactionView(
    [property: Id(0)] Hash32 Hash,
    [property: Id(1)] TxStatus Status,
    [property: Id(2)] long? BlockHeight,
    [property: Id(3)] int? Index,
    [property: Id(4)] Address? From,
    [property: Id(5)] Address? To,
    [property: Id(6)] Wei? Amount,
    [property: Id(7)] ulong? Nonce,
    [property: Id(8)] bool? Succeeded,
    [property: Id(9)] string? ErrorCode,
    [property: Id(10)] ulong? GasUsed,
    [property: Id(11)] Wei? Fee,
    [property: Id(12)] string Kind,
    [property: Id(13)] IReadOnlyList<TransactionFieldView>? Fields = null);

/// <summary>One field of a committed transaction's body, by its EIP-712 name and type: one value, or an array's
/// elements, as their typed-data text (addresses EIP-55, hashes 0x-hex, amounts wei).</summary>
[GenerateSerializer, Immutable, Alias("openledger.TransactionFieldView")]
public sealed record TransactionFieldView(
    [property: Id(0)] string Name,
    [property: Id(1)] string Type,
    [property: Id(2)] IReadOnlyList<string> Values);

/// <summary>An account as clients read it: committed balance and nonce, and what waits in the mempool.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AccountView")]
public sealed record AccountView(
    [property: Id(0)] Address Address,
    [property: Id(1)] Wei Balance,
    [property: Id(2)] ulong Nonce,
    [property: Id(3)] int PendingCount,
    [property: Id(4)] ulong NextNonce,
    [property: Id(5)] IReadOnlyList<Hash32> PendingTransactions);

/// <summary>Mempool counters: what it holds (ready, gapped behind a nonce gap, in flight), its budgets, and what it
/// admitted, refused and evicted since it started.</summary>
[GenerateSerializer, Immutable, Alias("openledger.MempoolStats")]
public sealed record MempoolStats(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Ready,
    [property: Id(2)] int InFlight,
    [property: Id(3)] int Capacity,
    [property: Id(4)] long Admitted,
    [property: Id(5)] long Rejected)
{
    [Id(6)] public int Future { get; init; }
    [Id(7)] public long Bytes { get; init; }
    [Id(8)] public long MaxBytes { get; init; }
    [Id(9)] public long Evicted { get; init; }
}

/// <summary>The chain's identity and rules as clients see them.</summary>
[GenerateSerializer, Immutable, Alias("openledger.ChainInfo")]
public sealed record ChainInfo(
    [property: Id(0)] ulong ChainId,
    [property: Id(1)] string Name,
    [property: Id(2)] Hash32 GenesisHash,
    [property: Id(3)] Address Producer,
    [property: Id(4)] Wei GasPriceFloor,
    [property: Id(5)] int BlockIntervalMs,
    [property: Id(6)] IReadOnlyDictionary<string, ulong> GasSchedule,
    [property: Id(7)] long HeadHeight,
    [property: Id(8)] Hash32 HeadHash)
{
    /// <summary>A dev chain (its genesis says so): clients accept keys derived from the public dev seed only on one.</summary>
    [Id(9)] public bool Dev { get; init; }

    /// <summary>The most contributions one settlement may name (the genesis' marketplace.maxAttributions): what the
    /// attribution worker caps its weights at.</summary>
    [Id(10)] public int MaxAttributions { get; init; }

    /// <summary>The genesis allocations: the supply, which no transaction changes.</summary>
    [Id(11)] public Wei TotalSupply { get; init; }

    /// <summary>A dev chain's public seed of its dev accounts, or null (see <c>ChainRules.DevSeed</c>).</summary>
    [Id(12)] public string? DevSeed { get; init; }

    [Id(13)] public int DevAccountCount { get; init; }

    /// <summary>The largest contribution content in bytes (the genesis' marketplace.maxContributionBytes): a client
    /// refuses a bigger file before reading or sending it.</summary>
    [Id(14)] public ulong MaxContributionBytes { get; init; }
}
