using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Client;

/// <summary>How <see cref="LedgerClient.SendAsync"/> sends: the gas price (the chain's floor by default), the nonce
/// (the account's next by default), whether and how long to wait for the block, and what to do once the node accepted
/// it (a CLI prints the hash before the wait).</summary>
public sealed record SendOptions(Core.Money.Wei? GasPrice = null, ulong? Nonce = null, bool Wait = true, TimeSpan? Timeout = null,
    Action<SignedTransaction>? Accepted = null)
{
    /// <summary>How long a send waits for its block unless told.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
}

/// <summary>What a wait that resubmits (<see cref="LedgerClient.WaitResubmittingAsync"/>) saw: the node's last view of
/// the transaction, how many times its bytes were submitted again, whether another transaction of the sender took its
/// nonce (it will never commit), and the last refusal of a resubmission, if any.</summary>
public sealed record CommitWait(TransactionInfo View, int Resubmissions, bool Replaced, string? LastRefusal);

/// <summary>What became of one signed transaction: refused at submission, pending, committed with its receipt, or
/// replaced (lost by the node, and its nonce since used by another transaction of the sender's).</summary>
public sealed record SendOutcome(SignedTransaction Signed, SendResult Submitted, TransactionInfo? View, bool Waited,
    int Resubmissions = 0, bool Replaced = false)
{
    /// <summary>The code of a transaction whose nonce another transaction used after the node lost it.</summary>
    public const string ReplacedCode = "TransactionReplaced";

    public Hash32 Hash => Signed.Hash;
    public bool Accepted => Submitted.Accepted;
    public bool Committed => View?.Status == TransactionStatus.Committed;
    public bool Succeeded => Committed && View!.Succeeded == true;

    /// <summary>The stable error code: the submission's, or the failed receipt's.</summary>
    public string? Error => !Accepted ? Submitted.ErrorCode : Replaced ? ReplacedCode : Committed && !Succeeded ? View!.ErrorCode : null;

    /// <summary>0 when it succeeded (or was accepted and not waited for), else 1.</summary>
    public int ExitCode => Accepted && (Succeeded || !Waited) ? 0 : 1;

    /// <summary>One line: "rejected: Code: message", "pending", "committed in block N: success|failed Code".</summary>
    public string Describe() =>
        !Accepted ? $"rejected: {Submitted.ErrorCode}: {Submitted.Message}"
        : !Waited ? "submitted, not waited for"
        : Replaced ? $"{ReplacedCode}: the node lost it and its nonce {Signed.Tx.Nonce} was used by another transaction; it will never commit"
        : !Committed ? $"not committed within the wait (status {View?.Status}); it may still commit: openledger tx {Hash}"
        : $"committed in block {View!.BlockHeight}: {(Succeeded ? "success" : "failed " + View.ErrorCode)}"
          + (Resubmissions > 0 ? $" (resubmitted {Resubmissions}x after the node lost it)" : "");

    /// <summary>This outcome when the transaction committed and succeeded; otherwise throws
    /// <see cref="TransactionFailedException"/> saying what happened (for programs that treat anything else as an error).</summary>
    public SendOutcome EnsureSucceeded() => Succeeded ? this : throw new TransactionFailedException(this);
}

/// <summary>A transaction was refused, failed, or did not commit within the wait: <see cref="Code"/> is the ledger's
/// error code, or NotCommitted.</summary>
public sealed class TransactionFailedException(SendOutcome outcome) : Exception($"transaction {outcome.Hash}: {outcome.Describe()}")
{
    public SendOutcome Outcome { get; } = outcome;
    public string Code => Outcome.Error ?? "NotCommitted";
}
