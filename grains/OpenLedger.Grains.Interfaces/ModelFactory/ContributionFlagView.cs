using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.ModelFactory;

/// <summary>A contribution a succeeded training job flagged for its datanet's curators as likely harmful (likely
/// mislabeled, by self-influence on the job's influence index; the rule is in the README and the training record):
/// its examples in the job, how many were flagged, the score (its highest self-influence) and the reason in words.</summary>
[GenerateSerializer, Immutable, Alias("openledger.ContributionFlagView")]
public sealed record ContributionFlagView(
    [property: Id(0)] Hash32 Contribution,
    [property: Id(1)] int Examples,
    [property: Id(2)] int FlaggedExamples,
    [property: Id(3)] double Score,
    [property: Id(4)] string Reason);
