using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Market;

public enum MarketEventKind : byte
{
    DatanetCreated = 1,
    DatanetUpdated,
    ContributionAdded,
    ContributionApproved,
    ContributionRejected,
    VersionPublished,
    ModelRegistered,
    ModelUpdated,
    InferenceRequested,
    ResultPosted,
    InferenceSettled,
    /// <summary>A share of a settled fee credited to an account; <see cref="MarketEvent.Detail"/> names the role
    /// ("contributor", "owner" or "protocol").</summary>
    RewardCredited,
    /// <summary>An inference not settled in time; its escrow went where the genesis says (detail "refund" or "owner").</summary>
    InferenceExpired,
    /// <summary>A contribution not curated by its deadline; its stake returned to its contributor (detail "refund").</summary>
    ContributionExpired,
    /// <summary>An approved contribution a curator kept out of the next versions (detail: the reason); no money moved.</summary>
    ContributionExcluded,
}

/// <summary>Something a committed block did to the marketplace, for indexes, histories and subscribers. Derived
/// deterministically by the state transition; (block height, position in the block) identifies it, so a subscriber
/// that sees one twice can drop the repeat. <see cref="TxIndex"/> is -1 for block-level events (expiries of
/// inferences and contributions).</summary>
public sealed record MarketEvent(
    MarketEventKind Kind, int TxIndex, Hash32 TxHash, Hash32 Subject,
    Address? Party = null, Wei? Amount = null,
    Hash32? Datanet = null, Hash32? Model = null, Hash32? Contribution = null, Hash32? Inference = null,
    string? Detail = null);
