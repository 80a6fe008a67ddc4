using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Mempool;

/// <summary>Transactions taken for the next block, in queue order, within the block's transaction and gas limits;
/// <see cref="MoreWaiting"/> when a limit cut the take short while more were ready (seal the next block at once).</summary>
public sealed record BlockCandidates(IReadOnlyList<VerifiedTransaction> Transactions, ulong Gas, bool MoreWaiting);
