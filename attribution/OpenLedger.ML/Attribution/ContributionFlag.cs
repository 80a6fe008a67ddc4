using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution;

/// <summary>A contribution flagged for its curators as likely harmful (likely mislabeled): how many of its training
/// examples there were, how many <see cref="MislabelRule"/> flagged, and its score, the highest self-influence among its
/// examples (the larger, the less the rest of the data explains it).</summary>
public sealed record ContributionFlag(Hash32 Contribution, int Examples, int FlaggedExamples, float Score)
{
    /// <summary>Why it is flagged, for a curator.</summary>
    public string Reason => Examples == 1
        ? "likely mislabeled: its example is in the top 10% of training examples by self-influence"
        : $"likely mislabeled: {FlaggedExamples} of its {Examples} examples are in the top 10% of training examples by self-influence";
}
