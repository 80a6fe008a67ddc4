using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Market;

namespace OpenLedger.Client;

/// <summary>Content the node's store now holds: the hashes and size a Contribute names.</summary>
public sealed record StoredContent(Hash32 Hash, Hash32 NormalizedHash, long Size);

/// <summary>A contribution of the same datanet whose content is close to another's.</summary>
public sealed record NearDuplicate(Hash32 Contribution, double Similarity);

/// <summary>A committed marketplace event (a reward credit, a published version, ...).</summary>
public sealed record MarketEventInfo(string Kind, int Sequence, Hash32 Subject, Address? Party, Wei? Amount, Hash32? Contribution, string? Detail, Hash32? TxHash);

/// <summary>One step of a version proof: the sibling hash and whether it sits on the left.</summary>
public sealed record ProofStep(Hash32 Hash, bool Left);

/// <summary>The node's Merkle proof that a contribution's content is leaf <see cref="Index"/> of a datanet version.</summary>
public sealed record VersionProofInfo(Hash32 Version, int Number, Hash32 Root, Hash32 Content, int Index, int Count, ProofStep[] Siblings);

/// <summary>A reward total of one role, datanet or model.</summary>
public sealed record RewardTotalInfo(string Scope, Wei Amount, long Count);

/// <summary>Everything settlements credited to an account.</summary>
public sealed record RewardSummaryInfo(Address Account, Wei Total, long Count, long AsOfHeight,
    RewardTotalInfo[] ByRole, RewardTotalInfo[] ByDatanet, RewardTotalInfo[] ByModel);

/// <summary>A contribution as a curator reviews it: the record, its text when asked for, and its near-duplicates.</summary>
public sealed record ContributionReview(Contribution Contribution, string? Text, IReadOnlyList<NearDuplicate> NearDuplicates);
